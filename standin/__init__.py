"""A local stand-in for the WeCom server, a control client for it, and a terminal phone.

See standin.server (create_standin, serve, start_in_thread), standin.client (StandinClient)
and standin.phone (run_phone).
"""
