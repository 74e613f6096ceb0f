"""The WeCom edge: the only place that knows HTTP, XML/JSON, crypto and the WeCom API."""
