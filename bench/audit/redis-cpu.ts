import { connect } from "node:net";

/**
 * CPU time Redis has used so far (INFO cpu: used_cpu_user + used_cpu_sys of the main thread and its children), in
 * milliseconds: the before/after difference of a run is what that run cost Redis. Plain RESP over a socket, so the
 * bench needs no Redis client of its own.
 */
export function redisCpuMs(url: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port || 6379), hostname);
    let reply = "";
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write("*2\r\n$4\r\nINFO\r\n$3\r\ncpu\r\n"));
    socket.on("data", (chunk: string) => {
      reply += chunk;
      const header = /^\$(\d+)\r\n/.exec(reply);
      if (!header?.[1] || Buffer.byteLength(reply) < header[0].length + Number(header[1])) return;
      socket.destroy();
      const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(reply)?.[1] ?? Number.NaN);
      const seconds = field("used_cpu_user") + field("used_cpu_sys") + field("used_cpu_user_children") + field("used_cpu_sys_children");
      if (Number.isFinite(seconds)) resolve(seconds * 1000);
      else reject(new Error("INFO cpu answered no CPU times"));
    });
    socket.once("error", reject);
  });
}
