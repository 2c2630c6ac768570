// The console's entry point: sign-in, the header, and a hash router (#/queue, #/applications/{id}).

import { claims, get, signIn, signOut, token } from "./api.js";
import { h, problemBox, replace, say } from "./dom.js";
import { renderApplication } from "./application.js";
import { renderQueue } from "./queue.js";

const main = document.getElementById("main");

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function header() {
  const who = document.getElementById("who");
  const out = document.getElementById("sign-out");
  const c = token() ? claims() : null;
  if (!token()) {
    replace(who);
    out.hidden = true;
    return;
  }
  out.hidden = false;
  replace(
    who,
    c
      ? [
          "Signed in as ",
          h("strong", { id: "who-sub" }, c.sub || "?"),
          ` · tenant ${c.tenant || "?"}`,
          c.exp ? ` · until ${c.exp.toLocaleTimeString(undefined, { timeStyle: "short" })}` : "",
        ]
      : "Signed in (the token's claims are not readable here)",
  );
}

function signInPage(problem) {
  const form = h(
    "form",
    {
      id: "sign-in",
      on: {
        submit: async (event) => {
          event.preventDefault();
          const value = form.elements.token.value.trim().replace(/^Bearer\s+/i, "");
          if (!value) {
            say("Paste a token first.");
            return;
          }
          signIn(value);
          // One call tells a refused token (401) from one that works; keep only a token the service
          // accepts.
          try {
            await get("/v1/cases?limit=1");
          } catch (error) {
            if (error.status === 401) {
              signOut();
              signInPage(error);
              say(`The token was refused: ${error.problem.detail || error.message}`);
              return;
            }
          }
          header();
          navigate("#/queue");
        },
      },
    },
    h("label", { for: "token" }, "Reviewer token"),
    h("textarea", {
      id: "token",
      name: "token",
      rows: 5,
      required: true,
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": "token-help",
    }),
    h(
      "p",
      { id: "token-help", class: "note" },
      "The operator mints it with ",
      h("code", {}, "vetgate token --tenant ID --sub YOU --scope verdicts:read --scope reviews:write"),
      ". It stays in this browser tab only (session storage) and every call sends it to the API, so the console sees exactly what the token may see.",
    ),
    h("button", { type: "submit" }, "Sign in"),
  );
  replace(
    main,
    h("h1", {}, "Sign in"),
    problem ? problemBox(problem, "Sign-in refused") : null,
    form,
  );
  document.title = "Sign in · vetgate console";
  form.elements.token.focus();
}

async function route() {
  header();
  if (!token()) {
    signInPage();
    return;
  }
  const hash = location.hash.startsWith("#/") ? location.hash.slice(1) : "/queue";
  const [path, query = ""] = hash.split("?");
  const params = new URLSearchParams(query);
  const ctx = { claims: claims(), navigate };
  const application = path.match(/^\/applications\/([^/]+)$/);
  if (application) {
    document.title = "Application · vetgate console";
    await renderApplication(main, decodeURIComponent(application[1]), ctx);
  } else if (path === "/queue") {
    document.title = "Case queue · vetgate console";
    await renderQueue(main, params, ctx);
  } else {
    replace(main, h("h1", {}, "Not found"), problemBox({ status: 404, problem: { title: "No such page", detail: `The console has no page ${path}.` } }),
      h("p", {}, h("a", { href: "#/queue" }, "Go to the case queue")));
  }
  // Move focus to the page's heading so keyboard and screen-reader users start at the top.
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    if (!main.contains(document.activeElement) || document.activeElement === document.body) heading.focus();
  }
}

document.getElementById("sign-out").addEventListener("click", () => {
  signOut();
  say("Signed out: the token is forgotten.");
  navigate("#/queue");
});

document.getElementById("skip").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});

window.addEventListener("hashchange", route);
route();
