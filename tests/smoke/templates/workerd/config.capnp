# workerd config for the smoke worker; run.mjs fills in the modules and passes the port with --socket-addr.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The test server is on loopback, which workerd's default "internet" service refuses.
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
@MODULES@
  ],
  compatibilityDate = "2026-01-01",
  globalOutbound = "net",
);
