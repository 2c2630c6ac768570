//! The event loop the attribute- and element-based XML list formats share (`eu`, `uk`): a stream of
//! quick-xml events, no document tree, with the checks every list document gets before its own
//! rules apply. A document that is not UTF-8, not well-formed (an unclosed or mismatched element,
//! an undefined entity), truncated, whose root element is not the format's, or with content after
//! the root is refused with the line and byte where it broke and the elements open there.
//!
//! Elements are named by their local name (`export` for `<ns:export xmlns:ns="…">`): the EU writes
//! its schema's namespace as the default one, some tools re-export it with a prefix.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::Event;
use quick_xml::events::attributes::Attribute;

use super::model::LoadError;

/// Where an element starts: its line (1-based) and byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct At {
    pub line: u64,
    pub byte: u64,
}

/// A format's reading of the events. `path` holds the open elements' local names, outermost
/// first; on `start` and `end` the element itself is the last. An `Err` refuses the document: the
/// walker adds the line and the open elements unless the error names its own place ([`Refusal`]).
pub(crate) trait XmlHandler {
    fn start(&mut self, path: &[String], attrs: &[(String, String)], at: At)
    -> Result<(), Refusal>;
    /// `text` is the element's own character data (entities resolved, not trimmed).
    fn end(&mut self, path: &[String], text: &str) -> Result<(), Refusal>;
}

/// Why a handler refuses the document.
pub(crate) struct Refusal {
    /// The element the problem belongs to (an entry that lacks its id is refused at its start);
    /// `None`: where the walker is.
    pub at: Option<At>,
    pub message: String,
}

impl Refusal {
    /// A problem at the current position.
    pub fn here(message: impl Into<String>) -> Refusal {
        Refusal {
            at: None,
            message: message.into(),
        }
    }

    /// A problem of the element that started at `at`.
    pub fn at(at: At, message: impl Into<String>) -> Refusal {
        Refusal {
            at: Some(at),
            message: message.into(),
        }
    }
}

/// Walks `xml` (`file` names it in errors) whose root element must be `root`.
pub(crate) fn walk(
    file: &str,
    xml: &[u8],
    root: &str,
    handler: &mut impl XmlHandler,
) -> Result<(), LoadError> {
    let text = match std::str::from_utf8(xml) {
        Ok(t) => t,
        Err(e) => {
            let pos = e.valid_up_to();
            return Err(LoadError::Xml {
                file: file.to_owned(),
                line: line_of(xml, pos),
                byte: pos as u64,
                message: "document is not valid UTF-8".to_owned(),
            });
        }
    };
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    Walker {
        file,
        text: &text[bom..],
        offset: bom as u64,
        stack: Vec::new(),
    }
    .run(root, handler)
}

fn line_of(bytes: &[u8], pos: usize) -> u64 {
    1 + bytes[..pos.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

struct Walker<'a> {
    file: &'a str,
    text: &'a str,
    /// Bytes before `text` in the file (a byte-order mark).
    offset: u64,
    stack: Vec<String>,
}

impl Walker<'_> {
    fn at(&self, pos: u64) -> At {
        At {
            line: line_of(self.text.as_bytes(), pos as usize),
            byte: pos + self.offset,
        }
    }

    fn fail(&self, refusal: Refusal, pos: u64) -> LoadError {
        let (at, message) = match refusal.at {
            Some(at) => (at, refusal.message),
            None => {
                let path = self.stack.join("/");
                let message = if path.is_empty() {
                    refusal.message
                } else {
                    format!("{} (in {path})", refusal.message)
                };
                (self.at(pos), message)
            }
        };
        LoadError::Xml {
            file: self.file.to_owned(),
            line: at.line,
            byte: at.byte,
            message,
        }
    }

    fn run(mut self, root: &str, handler: &mut impl XmlHandler) -> Result<(), LoadError> {
        let mut reader = Reader::from_str(self.text);
        reader.config_mut().expand_empty_elements = true;
        reader.config_mut().check_end_names = true;
        let mut buf = String::new();
        let (mut root_seen, mut root_closed) = (false, false);
        loop {
            let before = reader.buffer_position();
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    let pos = reader.error_position();
                    return Err(self.fail(Refusal::here(format!("not well-formed XML: {e}")), pos));
                }
            };
            match event {
                Event::Start(start) => {
                    let name = start.local_name().as_ref().to_owned();
                    if root_closed {
                        return Err(self.fail(
                            Refusal::here(format!(
                                "element <{name}> after the end of the document"
                            )),
                            before,
                        ));
                    }
                    if !root_seen {
                        if name != root {
                            return Err(self.fail(
                                Refusal::here(format!(
                                    "root element is <{name}>, expected <{root}>"
                                )),
                                before,
                            ));
                        }
                        root_seen = true;
                    }
                    let mut attrs = Vec::new();
                    for attr in start.attributes() {
                        let attr = attr.map_err(|e| {
                            self.fail(
                                Refusal::here(format!("bad attribute in <{name}>: {e}")),
                                before,
                            )
                        })?;
                        let value = attr_value(&attr).map_err(|e| {
                            self.fail(
                                Refusal::here(format!("bad attribute in <{name}>: {e}")),
                                before,
                            )
                        })?;
                        let key = attr.key.local_name().as_ref().to_owned();
                        attrs.push((key, value.into_owned()));
                    }
                    self.stack.push(name);
                    buf.clear();
                    let at = self.at(before);
                    handler
                        .start(&self.stack, &attrs, at)
                        .map_err(|r| self.fail(r, before))?;
                }
                Event::End(_) => {
                    handler
                        .end(&self.stack, &buf)
                        .map_err(|r| self.fail(r, before))?;
                    self.stack.pop();
                    buf.clear();
                    if self.stack.is_empty() {
                        root_closed = true;
                    }
                }
                Event::Text(t) => {
                    let content = t.xml10_content();
                    if self.stack.is_empty() {
                        if !content.trim().is_empty() {
                            return Err(
                                self.fail(Refusal::here("text outside the root element"), before)
                            );
                        }
                    } else {
                        buf.push_str(&content);
                    }
                }
                Event::CData(c) => buf.push_str(&c.xml10_content()),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        Ok(None) => {
                            quick_xml::escape::resolve_predefined_entity(&r).map(str::to_owned)
                        }
                        Err(e) => {
                            return Err(self.fail(
                                Refusal::here(format!("bad character reference: {e}")),
                                before,
                            ));
                        }
                    };
                    match resolved {
                        Some(s) if !self.stack.is_empty() => buf.push_str(&s),
                        Some(_) => {
                            return Err(
                                self.fail(Refusal::here("text outside the root element"), before)
                            );
                        }
                        None => {
                            let name: &str = &r;
                            return Err(self.fail(
                                Refusal::here(format!("undefined entity &{name};")),
                                before,
                            ));
                        }
                    }
                }
                // Not produced: `expand_empty_elements` turns `<X/>` into Start + End.
                Event::Empty(_) => {}
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            }
        }
        let end = self.text.len() as u64;
        if let Some(open) = self.stack.last() {
            let message = format!("document ends inside <{open}>: truncated");
            return Err(self.fail(Refusal::here(message), end));
        }
        if !root_seen {
            return Err(self.fail(Refusal::here(format!("no <{root}> element")), end));
        }
        Ok(())
    }
}

fn attr_value<'a>(attr: &'a Attribute<'a>) -> Result<Cow<'a, str>, String> {
    attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .map_err(|e| e.to_string())
}

/// An attribute's value, trimmed, when it is there and not empty.
pub(crate) fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Names(Vec<String>);

    impl XmlHandler for Names {
        fn start(
            &mut self,
            path: &[String],
            attrs: &[(String, String)],
            _: At,
        ) -> Result<(), Refusal> {
            if let Some(v) = attr(attrs, "v") {
                self.0.push(format!("{}={v}", path.join("/")));
            }
            Ok(())
        }
        fn end(&mut self, path: &[String], text: &str) -> Result<(), Refusal> {
            if !text.trim().is_empty() {
                self.0.push(format!("{}:{}", path.join("/"), text.trim()));
            }
            Ok(())
        }
    }

    fn run(xml: &str) -> Result<Vec<String>, String> {
        let mut names = Names::default();
        walk("t.xml", xml.as_bytes(), "r", &mut names)
            .map(|()| names.0)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn local_names_attributes_and_entities() {
        let got = run("\u{feff}<x:r xmlns:x=\"urn:a\"><x:a v=\"1 &amp; 2\">K&#x49;M</x:a></x:r>")
            .unwrap();
        assert_eq!(got, ["r/a=1 & 2", "r/a:KIM"]);
    }

    #[test]
    fn broken_documents_name_the_line() {
        let err = run("<r>\n<a>\n</r>").unwrap_err();
        assert!(err.starts_with("t.xml, line 3"), "{err}");
        let err = run("<r>\n<a>").unwrap_err();
        assert!(
            err.contains("truncated") && err.contains("(in r/a)"),
            "{err}"
        );
        let err = run("<q/>").unwrap_err();
        assert!(err.contains("root element is <q>, expected <r>"), "{err}");
        let err = run("<r>&nbsp;</r>").unwrap_err();
        assert!(err.contains("undefined entity"), "{err}");
        let err = run("<r/><r/>").unwrap_err();
        assert!(err.contains("after the end"), "{err}");
        assert!(walk("t.xml", b"<r>\xff</r>", "r", &mut Names::default()).is_err());
    }
}
