import "./style.css";
import { startRouter } from "./router";
import { mountShell } from "./views/layout";

const root = document.getElementById("app");
if (root === null) throw new Error("index.html has no #app");
startRouter(mountShell(root));
