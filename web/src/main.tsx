import { render } from "preact";
import { App } from "./app.js";
import { Connection } from "./connection.js";

const root = document.getElementById("app");
if (root) {
  const conn = new Connection();
  render(<App conn={conn} />, root);
  conn.start();
}
