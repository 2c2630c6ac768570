//! A tiny W3C WebDriver client over awc, enough to drive Debian's Chromium through chromedriver in
//! the console's browser tests: a session, elements by CSS selector, click, keys, text, waiting with
//! a deadline, screenshots. Each browser has a chromedriver of its own on a free port, killed when
//! the browser is dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

/// The W3C element reference key.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn binary(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default))
}

/// chromedriver and Chromium, when both are installed (`VETGATE_CHROMEDRIVER`, `VETGATE_CHROMIUM`
/// override the Debian paths). When one is missing the browser tests fail under CI (`CI` set) and
/// are skipped loudly elsewhere.
pub fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
    let driver = binary("VETGATE_CHROMEDRIVER", "/usr/bin/chromedriver");
    let chromium = binary("VETGATE_CHROMIUM", "/usr/bin/chromium");
    if driver.is_file() && chromium.is_file() {
        return Some((driver, chromium));
    }
    let message = format!(
        "browser tests need {} and {} (apt-get install -y chromium chromium-driver)",
        driver.display(),
        chromium.display()
    );
    if std::env::var_os("CI").is_some() {
        panic!("{message}");
    }
    eprintln!("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
    eprintln!("!!! SKIPPED: {message}");
    eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
    None
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Browser {
    client: awc::Client,
    session: String,
    // Dropped after the session is closed (see Drop).
    driver: Option<Driver>,
}

#[derive(Clone)]
pub struct Element(String);

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium session on it.
    pub async fn start(driver: &Path, chromium: &Path) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", driver.display()));
        let driver = Driver(child);
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(60))
            .finish();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(mut res) = client.get(format!("{base}/status")).send().await
                && let Ok(status) = res.json::<Value>().await
                && status["value"]["ready"] == true
            {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1280,900", "--lang=en-GB", "--no-first-run",
                    "--disable-extensions", "--hide-scrollbars",
                ],
            },
        }}});
        let mut browser = Browser {
            client,
            session: base.clone(),
            driver: Some(driver),
        };
        let reply = browser.raw("POST", "/session", Some(capabilities)).await;
        let id = reply["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {reply}"))
            .to_owned();
        browser.session = format!("{base}/session/{id}");
        browser
    }

    async fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.session);
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let req = self.client.request(method, &url);
        let mut res = match body {
            Some(body) => req.send_json(&body).await,
            None => req.send().await,
        }
        .unwrap_or_else(|e| panic!("{url}: {e}"));
        let reply: Value = res
            .json()
            .limit(64 * 1024 * 1024)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        reply["value"].clone()
    }

    /// A command; panics with the driver's error when it fails.
    async fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let value = self.raw(method, path, body).await;
        if let Some(error) = value.get("error") {
            panic!("WebDriver {method} {path}: {error}: {}", value["message"]);
        }
        value
    }

    pub async fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url}))).await;
    }

    /// The first element matching `css`, if any now.
    pub async fn find(&self, css: &str) -> Option<Element> {
        let value = self
            .raw(
                "POST",
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        if value.get("error").is_some() {
            return None;
        }
        Some(Element(value[ELEMENT].as_str()?.to_owned()))
    }

    /// Waits until an element matches `css` and its text passes `check`; returns it.
    pub async fn wait_for(&self, css: &str, what: &str, check: impl Fn(&str) -> bool) -> Element {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut last = String::new();
        loop {
            if let Some(element) = self.find(css).await {
                // The element may be replaced between the find and the read: read again then.
                let text = self
                    .raw("GET", &format!("/element/{}/text", element.0), None)
                    .await;
                if let Some(text) = text.as_str() {
                    if check(text) {
                        return element;
                    }
                    last = text.to_owned();
                }
            }
            if Instant::now() > deadline {
                let body = self
                    .script("return document.body.innerText", json!([]))
                    .await;
                panic!(
                    "timed out waiting for {what} ({css}); its last text: {last:?}\nthe page:\n{}",
                    body.as_str().unwrap_or_default()
                );
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `css` matches an element.
    pub async fn present(&self, css: &str) -> Element {
        self.wait_for(css, css, |_| true).await
    }

    pub async fn click(&self, element: &Element) {
        self.cmd(
            "POST",
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        )
        .await;
    }

    pub async fn type_into(&self, element: &Element, text: &str) {
        self.cmd(
            "POST",
            &format!("/element/{}/value", element.0),
            Some(json!({"text": text})),
        )
        .await;
    }

    pub async fn clear(&self, element: &Element) {
        self.cmd(
            "POST",
            &format!("/element/{}/clear", element.0),
            Some(json!({})),
        )
        .await;
    }

    pub async fn text(&self, element: &Element) -> String {
        self.cmd("GET", &format!("/element/{}/text", element.0), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The element that has the keyboard focus.
    pub async fn active(&self) -> Element {
        let value = self.cmd("GET", "/element/active", None).await;
        Element(value[ELEMENT].as_str().unwrap().to_owned())
    }

    /// Presses keys on whatever has the focus (W3C key codes, e.g. "\u{E004}" for Tab).
    pub async fn keys(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| {
                [
                    json!({"type": "keyDown", "value": c.to_string()}),
                    json!({"type": "keyUp", "value": c.to_string()}),
                ]
            })
            .collect();
        self.cmd(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        )
        .await;
        self.cmd("DELETE", "/actions", None).await;
    }

    /// Runs a script in the page (WebDriver runs it outside the page's Content-Security-Policy).
    pub async fn script(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    /// A PNG of the whole page (the window grows to the page's height first).
    pub async fn screenshot(&self, path: &Path) {
        let height = self
            .script(
                "return Math.ceil(document.documentElement.scrollHeight)",
                json!([]),
            )
            .await
            .as_u64()
            .unwrap_or(900)
            .clamp(600, 4000);
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": 1280, "height": height + 120})),
        )
        .await;
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
        let png = self.cmd("GET", "/screenshot", None).await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": 1280, "height": 900})),
        )
        .await;
    }

    /// Ends the session (Chromium exits), then chromedriver.
    pub async fn quit(mut self) {
        self.raw("DELETE", "", None).await;
        self.driver.take();
    }
}

impl Drop for Browser {
    /// A test that failed midway still ends the session, so Chromium does not outlive chromedriver:
    /// a blocking `DELETE /session/{id}` (no runtime to borrow here).
    fn drop(&mut self) {
        if self.driver.is_none() {
            return;
        }
        let Some(rest) = self.session.strip_prefix("http://") else {
            return;
        };
        let Some((host, path)) = rest.split_once('/') else {
            return;
        };
        if let Ok(mut stream) = std::net::TcpStream::connect(host) {
            use std::io::{Read, Write};
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let _ = write!(
                stream,
                "DELETE /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.read_to_end(&mut Vec::new());
        }
    }
}

impl Element {
    /// The driver's reference, for script arguments.
    pub fn id(&self) -> &str {
        &self.0
    }
}
