// A free TCP port on loopback, found synchronously (a child process asks the OS), for bench scripts.
import { execFileSync } from "node:child_process";

/** Ask the OS for a free port on 127.0.0.1. */
export function freePortSync(): number {
  const code = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  return Number(execFileSync(process.execPath, ["-e", code], { encoding: "utf8" }).trim());
}
