// A loopback HTTP server for the harnesses' test servers.
import http from "node:http";

/**
 * Serves `handler` on a free port of 127.0.0.1: `{ server, port, url, close() }`. close() drops the
 * connections still open (keep-alive ones included) so that it resolves at once.
 */
export async function listen(handler) {
  const sockets = new Set();
  const server = http.createServer(handler);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
