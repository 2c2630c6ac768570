//! UN Security Council consolidated list (XML), read as a stream of events
//! with quick-xml: no document tree is built, one entry at a time is
//! assembled and handed over.
//!
//! Names, aliases and remarks are kept **as published**: the UN writes
//! typographic apostrophes (`RI U’N SO’NG`) where OFAC writes `'`. Folding is
//! the matcher's job ([`super::model::fold_apostrophes`]).
//!
//! A document that is not well-formed XML (or not UTF-8, or truncated), whose
//! root is not `CONSOLIDATED_LIST`, or with an `INDIVIDUAL`/`ENTITY` that has no
//! `REFERENCE_NUMBER` or no name, or a reference number used twice, is refused
//! whole with the line and byte offset where it broke.

use std::collections::HashSet;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::model::{
    Address, Alias, AliasKind, AliasQuality, Country, DateSpec, DocumentKind, Entity, EntityKind,
    Gender, IdDocument, LIST_UN_SC, LoadError, LoadedList, ParseReport, PartialDate, Place,
    collapse_whitespace, parse_iso_partial, parse_month, parse_partial_date, read_named_file,
};

/// Load the consolidated list from a file.
pub fn load_file(path: &Path) -> Result<LoadedList, LoadError> {
    let (name, bytes) = read_named_file(path)?;
    parse(&name, &bytes)
}

/// Parse the consolidated list; `file` names it in errors.
pub fn parse(file: &str, xml: &[u8]) -> Result<LoadedList, LoadError> {
    let text = match std::str::from_utf8(xml) {
        Ok(t) => t,
        Err(e) => {
            let pos = e.valid_up_to();
            let line = 1 + xml[..pos].iter().filter(|&&b| b == b'\n').count() as u64;
            return Err(LoadError::Xml {
                file: file.to_string(),
                line,
                byte: pos as u64,
                message: "document is not valid UTF-8".to_string(),
            });
        }
    };
    Parser::new(file, text).run()
}

/// Which repeated sub-element of an entry is open.
enum Part {
    None,
    Alias(AliasB),
    Address(Address),
    Dob(DobB),
    Pob(PobB),
    Doc(DocB),
}

#[derive(Default)]
struct AliasB {
    quality: String,
    name: String,
    note: Option<String>,
    dob: Option<String>,
    city_of_birth: Option<String>,
    country_of_birth: Option<String>,
}

#[derive(Default)]
struct DobB {
    type_of_date: String,
    date: Option<String>,
    year: Option<String>,
    from_year: Option<String>,
    to_year: Option<String>,
    note: Option<String>,
}

#[derive(Default)]
struct PobB {
    street: Option<String>,
    city: Option<String>,
    state: Option<String>,
    country: Option<String>,
    note: Option<String>,
}

#[derive(Default)]
struct DocB {
    type1: Option<String>,
    type2: Option<String>,
    number: Option<String>,
    issuing_country: Option<String>,
    country_of_issue: Option<String>,
    date_of_issue: Option<String>,
    city_of_issue: Option<String>,
    note: Option<String>,
}

/// The entry being assembled.
struct Record {
    kind: EntityKind,
    line: u64,
    byte: u64,
    names: [Option<String>; 4],
    dataid: Option<String>,
    e: Entity,
}

struct Parser<'a> {
    file: &'a str,
    text: &'a str,
    reader: Reader<&'a [u8]>,
    /// Open elements.
    stack: Vec<String>,
    /// Text of the element being read.
    buf: String,
    record: Option<Record>,
    part: Part,
    entities: Vec<Entity>,
    seen: HashSet<String>,
    report: ParseReport,
    /// Incremental line counting.
    line_pos: usize,
    line: u64,
}

/// The value with whitespace runs (the UN wraps long values over indented
/// lines) collapsed; `None` when empty.
fn non_empty(s: &str) -> Option<String> {
    let t = collapse_whitespace(s);
    (!t.is_empty()).then_some(t)
}

/// `"KOMID"` → `KOMID`: the UN quotes some entity aliases.
fn unquote(s: String) -> String {
    let quoted = |a: char, b: char| s.len() >= 2 && s.starts_with(a) && s.ends_with(b);
    if quoted('"', '"') || quoted('\u{201c}', '\u{201d}') {
        let mut chars = s.chars();
        chars.next();
        chars.next_back();
        chars.as_str().trim().to_string()
    } else {
        s
    }
}

impl<'a> Parser<'a> {
    fn new(file: &'a str, text: &'a str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = Reader::from_str(text);
        reader.config_mut().expand_empty_elements = true;
        reader.config_mut().check_end_names = true;
        Parser {
            file,
            text,
            reader,
            stack: Vec::new(),
            buf: String::new(),
            record: None,
            part: Part::None,
            entities: Vec::new(),
            seen: HashSet::new(),
            report: ParseReport {
                list: LIST_UN_SC.to_string(),
                ..ParseReport::default()
            },
            line_pos: 0,
            line: 1,
        }
    }

    /// Line number of a byte offset (offsets only move forward, except on errors).
    fn line_at(&mut self, pos: usize) -> u64 {
        let pos = pos.min(self.text.len());
        if pos < self.line_pos {
            return 1 + self.text.as_bytes()[..pos]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
        }
        self.line += self.text.as_bytes()[self.line_pos..pos]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.line_pos = pos;
        self.line
    }

    fn error_at(&mut self, pos: u64, message: impl Into<String>) -> LoadError {
        let line = self.line_at(pos as usize);
        let path = self.stack.join("/");
        let mut message = message.into();
        if !path.is_empty() {
            message = format!("{message} (in {path})");
        }
        LoadError::Xml {
            file: self.file.to_string(),
            line,
            byte: pos,
            message,
        }
    }

    fn unparsed(&mut self, what: String) {
        let id = self.current_id();
        self.report.unparsed_fragments.push((id, what));
    }

    fn current_id(&self) -> String {
        self.record
            .as_ref()
            .map(|r| {
                if r.e.id.is_empty() {
                    format!("DATAID {}", r.dataid.as_deref().unwrap_or("?"))
                } else {
                    r.e.id.clone()
                }
            })
            .unwrap_or_default()
    }

    fn run(mut self) -> Result<LoadedList, LoadError> {
        let mut root_seen = false;
        let mut root_closed = false;
        loop {
            let before = self.reader.buffer_position();
            let event = match self.reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    let pos = self.reader.error_position();
                    return Err(self.error_at(pos, format!("not well-formed XML: {e}")));
                }
            };
            match event {
                Event::Start(start) => {
                    let name = start.name().as_ref().to_owned();
                    if root_closed {
                        return Err(self.error_at(
                            before,
                            format!("element <{name}> after the end of the document"),
                        ));
                    }
                    if !root_seen {
                        if name != "CONSOLIDATED_LIST" {
                            return Err(self.error_at(
                                before,
                                format!("root element is <{name}>, expected <CONSOLIDATED_LIST>"),
                            ));
                        }
                        root_seen = true;
                    }
                    self.stack.push(name);
                    self.buf.clear();
                    self.on_start(before)?;
                }
                Event::End(_) => {
                    self.on_end()?;
                    self.stack.pop();
                    self.buf.clear();
                    if self.stack.is_empty() {
                        root_closed = true;
                    }
                }
                Event::Text(t) => {
                    if self.stack.is_empty() {
                        if !t.trim().is_empty() {
                            return Err(self.error_at(before, "text outside the root element"));
                        }
                    } else {
                        self.buf.push_str(&t.xml10_content());
                    }
                }
                Event::CData(c) => {
                    self.buf.push_str(&c.xml10_content());
                }
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        Ok(None) => {
                            quick_xml::escape::resolve_predefined_entity(&r).map(str::to_string)
                        }
                        Err(e) => {
                            return Err(
                                self.error_at(before, format!("bad character reference: {e}"))
                            );
                        }
                    };
                    match resolved {
                        Some(s) => self.buf.push_str(&s),
                        None => {
                            let name: &str = &r;
                            return Err(self.error_at(before, format!("undefined entity &{name};")));
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
        if let Some(open) = self.stack.last().cloned() {
            return Err(self.error_at(end, format!("document ends inside <{open}>: truncated")));
        }
        if !root_seen {
            return Err(self.error_at(end, "no <CONSOLIDATED_LIST> element"));
        }
        Ok(LoadedList::counted(self.entities, self.report))
    }

    fn on_start(&mut self, pos: u64) -> Result<(), LoadError> {
        let depth = self.stack.len();
        let name = self.stack[depth - 1].as_str();
        let parent = if depth >= 2 {
            self.stack[depth - 2].as_str()
        } else {
            ""
        };
        match (depth, parent, name) {
            (3, "INDIVIDUALS", "INDIVIDUAL") | (3, "ENTITIES", "ENTITY") => {
                let kind = if name == "INDIVIDUAL" {
                    EntityKind::Person
                } else {
                    EntityKind::Entity
                };
                let line = self.line_at(pos as usize);
                self.record = Some(Record {
                    kind,
                    line,
                    byte: pos,
                    names: Default::default(),
                    dataid: None,
                    e: Entity::new(String::new(), LIST_UN_SC, kind, String::new()),
                });
            }
            (4, _, _) if self.record.is_some() => {
                self.part = match name {
                    "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => Part::Alias(AliasB::default()),
                    "INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS" => Part::Address(Address::default()),
                    "INDIVIDUAL_DATE_OF_BIRTH" => Part::Dob(DobB::default()),
                    "INDIVIDUAL_PLACE_OF_BIRTH" => Part::Pob(PobB::default()),
                    "INDIVIDUAL_DOCUMENT" => Part::Doc(DocB::default()),
                    _ => Part::None,
                };
            }
            _ => {}
        }
        Ok(())
    }

    fn on_end(&mut self) -> Result<(), LoadError> {
        let depth = self.stack.len();
        if self.record.is_none() || depth < 4 {
            if depth == 3 && self.record.is_some() {
                return self.finish_record();
            }
            return Ok(());
        }
        let name = self.stack[depth - 1].clone();
        let value = std::mem::take(&mut self.buf);
        let value = value.trim();
        if depth == 4 {
            return self.record_field(&name, value);
        }
        let parent = self.stack[depth - 2].clone();
        if depth == 5 {
            self.part_field(&parent, &name, value);
        } else if !value.is_empty() {
            let path = self.stack[3..].join("/");
            self.unparsed(format!("unexpected element {path}: {value}"));
        }
        Ok(())
    }

    /// A direct child of INDIVIDUAL/ENTITY has ended.
    fn record_field(&mut self, name: &str, value: &str) -> Result<(), LoadError> {
        let part = std::mem::replace(&mut self.part, Part::None);
        match part {
            Part::Alias(a) => {
                self.finish_alias(a);
                return Ok(());
            }
            Part::Address(a) => {
                self.finish_address(a);
                return Ok(());
            }
            Part::Dob(d) => {
                self.finish_dob(d);
                return Ok(());
            }
            Part::Pob(p) => {
                self.finish_pob(p);
                return Ok(());
            }
            Part::Doc(d) => {
                self.finish_doc(d);
                return Ok(());
            }
            Part::None => {}
        }
        let Some(rec) = self.record.as_mut() else {
            return Ok(());
        };
        let v = non_empty(value);
        let mut problem: Option<String> = None;
        match name {
            "FIRST_NAME" => rec.names[0] = v,
            "SECOND_NAME" => rec.names[1] = v,
            "THIRD_NAME" => rec.names[2] = v,
            "FOURTH_NAME" => rec.names[3] = v,
            "REFERENCE_NUMBER" => rec.e.id = v.unwrap_or_default(),
            "DATAID" => rec.dataid = v,
            "UN_LIST_TYPE" => rec.e.programs.extend(v),
            "COMMENTS1" => rec.e.remarks = value.trim().to_string(),
            "NAME_ORIGINAL_SCRIPT" => rec.e.original_script_names.extend(v),
            "GENDER" => match v.as_deref() {
                Some("Male") => rec.e.gender = Some(Gender::Male),
                Some("Female") => rec.e.gender = Some(Gender::Female),
                None => {}
                Some(other) => problem = Some(format!("GENDER {other}")),
            },
            "LISTED_ON" => {
                if let Some(v) = v {
                    match parse_xsd_date(&v) {
                        Some(d) => rec.e.listed_on = Some(d),
                        None => problem = Some(format!("LISTED_ON {v}")),
                    }
                }
            }
            "SUBMITTED_BY" => {
                if let Some(v) = v {
                    rec.e.push_property("Submitted By", v);
                }
            }
            // Containers of VALUE elements (handled in part_field) and bookkeeping.
            "TITLE" | "DESIGNATION" | "NATIONALITY" | "LIST_TYPE" | "LAST_DAY_UPDATED"
            | "VERSIONNUM" | "SORT_KEY" | "SORT_KEY_LAST_MOD" => {}
            other => {
                if let Some(v) = v {
                    problem = Some(format!("unexpected element {other}: {v}"));
                }
            }
        }
        if let Some(p) = problem {
            self.unparsed(p);
        }
        Ok(())
    }

    /// A child of a sub-element (alias, address, …) or of a VALUE container has ended.
    fn part_field(&mut self, parent: &str, name: &str, value: &str) {
        let v = non_empty(value);
        let mut part = std::mem::replace(&mut self.part, Part::None);
        let mut known = true;
        match &mut part {
            Part::None => match (parent, name) {
                ("TITLE" | "DESIGNATION", "VALUE") => {
                    if let Some(v) = v.clone() {
                        self.entity().titles.push(v);
                    }
                }
                ("NATIONALITY", "VALUE") => {
                    if let Some(v) = v.as_deref() {
                        let c = self.country(v);
                        if !self.entity().nationalities.contains(&c) {
                            self.entity().nationalities.push(c);
                        }
                    }
                }
                ("LIST_TYPE" | "LAST_DAY_UPDATED", "VALUE") => {}
                _ => known = false,
            },
            Part::Alias(a) => match name {
                "QUALITY" => a.quality = v.clone().unwrap_or_default(),
                "ALIAS_NAME" => a.name = v.clone().unwrap_or_default(),
                "NOTE" => a.note = v.clone(),
                "DATE_OF_BIRTH" => a.dob = v.clone(),
                "CITY_OF_BIRTH" => a.city_of_birth = v.clone(),
                "COUNTRY_OF_BIRTH" => a.country_of_birth = v.clone(),
                _ => known = false,
            },
            Part::Address(a) => match name {
                "STREET" => a.street = v.clone(),
                "CITY" => a.city = v.clone(),
                "STATE_PROVINCE" => a.state_province = v.clone(),
                "ZIP_CODE" => a.postal_code = v.clone(),
                "COUNTRY" => a.country = v.as_deref().map(Country::from_name),
                "NOTE" => a.note = v.clone(),
                _ => known = false,
            },
            Part::Dob(d) => match name {
                "TYPE_OF_DATE" => d.type_of_date = v.clone().unwrap_or_default(),
                "DATE" => d.date = v.clone(),
                "YEAR" => d.year = v.clone(),
                "FROM_YEAR" => d.from_year = v.clone(),
                "TO_YEAR" => d.to_year = v.clone(),
                "NOTE" => d.note = v.clone(),
                _ => known = false,
            },
            Part::Pob(p) => match name {
                "STREET" => p.street = v.clone(),
                "CITY" => p.city = v.clone(),
                "STATE_PROVINCE" => p.state = v.clone(),
                "COUNTRY" => p.country = v.clone(),
                "NOTE" => p.note = v.clone(),
                _ => known = false,
            },
            Part::Doc(d) => match name {
                "TYPE_OF_DOCUMENT" => d.type1 = v.clone(),
                "TYPE_OF_DOCUMENT2" => d.type2 = v.clone(),
                "NUMBER" => d.number = v.clone(),
                "ISSUING_COUNTRY" => d.issuing_country = v.clone(),
                "COUNTRY_OF_ISSUE" => d.country_of_issue = v.clone(),
                "DATE_OF_ISSUE" => d.date_of_issue = v.clone(),
                "CITY_OF_ISSUE" => d.city_of_issue = v.clone(),
                "NOTE" => d.note = v.clone(),
                _ => known = false,
            },
        }
        self.part = part;
        if !known {
            self.unexpected(parent, name, v);
        }
    }

    fn unexpected(&mut self, parent: &str, name: &str, v: Option<String>) {
        if let Some(v) = v {
            self.unparsed(format!("unexpected element {parent}/{name}: {v}"));
        }
    }

    fn entity(&mut self) -> &mut Entity {
        &mut self.record.as_mut().expect("record is open").e
    }

    fn country(&mut self, raw: &str) -> Country {
        let c = Country::from_name(raw);
        if c.iso2.is_none() {
            let id = self.current_id();
            self.report.unmapped_countries.push((id, raw.to_string()));
        }
        c
    }

    fn finish_alias(&mut self, a: AliasB) {
        let (quality, kind) = match a.quality.as_str() {
            "Low" => (AliasQuality::Weak, AliasKind::Aka),
            "f.k.a." => (AliasQuality::Strong, AliasKind::Fka),
            "n.k.a." => (AliasQuality::Strong, AliasKind::Nka),
            // `Good`, entities' `a.k.a.`, and an unstated quality.
            _ => (AliasQuality::Strong, AliasKind::Aka),
        };
        if !matches!(
            a.quality.as_str(),
            "" | "Good" | "Low" | "a.k.a." | "f.k.a." | "n.k.a."
        ) && !a.name.is_empty()
        {
            self.unparsed(format!("alias quality {:?} for {}", a.quality, a.name));
        }
        if let Some(d) = &a.dob {
            match parse_xsd_date(d) {
                Some(p) => self.entity().push_dob(DateSpec::on(p)),
                None => {
                    let msg = format!("alias DATE_OF_BIRTH {d}");
                    self.entity().push_dob(DateSpec::Text(d.clone()));
                    self.unparsed(msg);
                }
            }
        }
        if a.city_of_birth.is_some() || a.country_of_birth.is_some() {
            let text = [a.city_of_birth.as_deref(), a.country_of_birth.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            let country = a.country_of_birth.as_deref().map(|c| self.country(c));
            let place = Place { text, country };
            if !self.entity().places_of_birth.contains(&place) {
                self.entity().places_of_birth.push(place);
            }
        }
        if a.name.is_empty() {
            if a.note.is_some() {
                self.unparsed(format!(
                    "alias without a name: {}",
                    a.note.unwrap_or_default()
                ));
            }
            return;
        }
        let mut alias = Alias::new(unquote(a.name), quality, kind);
        alias.note = a.note;
        self.entity().push_alias(alias);
    }

    fn finish_address(&mut self, a: Address) {
        if a == Address::default() {
            return;
        }
        if let Some(c) = &a.country
            && c.iso2.is_none()
        {
            let id = self.current_id();
            self.report.unmapped_countries.push((id, c.raw.clone()));
        }
        self.entity().addresses.push(a);
    }

    fn finish_pob(&mut self, p: PobB) {
        let parts: Vec<&str> = [&p.street, &p.city, &p.state, &p.country]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if parts.is_empty() && p.note.is_none() {
            return;
        }
        let mut text = parts.join(", ");
        if let Some(n) = &p.note {
            if !text.is_empty() {
                text.push_str(" (");
                text.push_str(n);
                text.push(')');
            } else {
                text = n.clone();
            }
        }
        let country = p.country.as_deref().map(|c| self.country(c));
        self.entity().places_of_birth.push(Place { text, country });
    }

    fn finish_dob(&mut self, d: DobB) {
        let circa_type = d.type_of_date.eq_ignore_ascii_case("APPROXIMATELY");
        let note = d.note.as_deref().map(collapse_whitespace);
        let note_circa = note
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case("approximately"));
        let circa = circa_type || note_circa;
        let year = |s: &Option<String>| -> Option<Result<i32, String>> {
            s.as_deref().map(|y| {
                y.trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|y| (1000..=2999).contains(y))
                    .ok_or_else(|| y.to_string())
            })
        };
        let mut note_used = note_circa;
        let spec: Option<Result<DateSpec, String>> = if let Some(date) = &d.date {
            Some(
                parse_xsd_date(date)
                    .map(|date| DateSpec::On { date, circa })
                    .ok_or_else(|| date.clone()),
            )
        } else if d.from_year.is_some() || d.to_year.is_some() {
            match (year(&d.from_year), year(&d.to_year)) {
                (Some(Ok(a)), Some(Ok(b))) if a <= b => Some(Ok(DateSpec::Between {
                    from: PartialDate::year(a),
                    to: PartialDate::year(b),
                    circa,
                })),
                _ => Some(Err(format!(
                    "{} to {}",
                    d.from_year.as_deref().unwrap_or("?"),
                    d.to_year.as_deref().unwrap_or("?")
                ))),
            }
        } else if let Some(y) = year(&d.year) {
            Some(y.map(|y| {
                // `<YEAR>1958</YEAR><NOTE>Sep.</NOTE>`: the note gives the month.
                let month = note.as_deref().and_then(parse_month);
                let date = match month.and_then(|m| PartialDate::year_month(y, m)) {
                    Some(ym) => {
                        note_used = true;
                        ym
                    }
                    None => PartialDate::year(y),
                };
                DateSpec::On { date, circa }
            }))
        } else if let Some(n) = &note {
            note_used = true;
            Some(parse_un_date_note(n, circa).ok_or_else(|| n.clone()))
        } else {
            None
        };
        match spec {
            Some(Ok(s)) => self.entity().push_dob(s),
            Some(Err(raw)) => {
                self.entity().push_dob(DateSpec::Text(raw.clone()));
                self.unparsed(format!("DATE_OF_BIRTH {raw}"));
            }
            None => {}
        }
        if let Some(n) = note
            && !note_used
        {
            let id = self.current_id();
            self.report
                .free_text_notes
                .push((id, format!("date of birth note: {n}")));
            self.entity().notes.push(format!("date of birth: {n}"));
        }
    }

    fn finish_doc(&mut self, d: DocB) {
        let type1 = d.type1.as_deref().map(collapse_whitespace);
        let type2 = d.type2.as_deref().map(collapse_whitespace);
        if type1.is_none() && type2.is_none() && d.number.is_none() && d.note.is_none() {
            return;
        }
        let kind = type2
            .as_deref()
            .and_then(classify_document)
            .or_else(|| type1.as_deref().and_then(classify_document))
            .unwrap_or(DocumentKind::Other);
        let label = match (&type1, &type2) {
            (Some(a), Some(b)) => format!("{a} ({b})"),
            (Some(a), None) => a.clone(),
            (None, Some(b)) => b.clone(),
            (None, None) => String::new(),
        };
        let country_raw = d.issuing_country.clone().or(d.country_of_issue.clone());
        let country = country_raw.as_deref().map(|c| self.country(c));
        let mut notes: Vec<String> = Vec::new();
        let mut issued = None;
        if let Some(di) = &d.date_of_issue {
            match parse_xsd_date(di) {
                Some(p) => issued = Some(p),
                None => notes.push(format!("issued {di}")),
            }
        }
        if let Some(c) = &d.city_of_issue {
            notes.push(format!("issued in {c}"));
        }
        if let Some(n) = &d.note {
            notes.push(collapse_whitespace(n));
        }
        let note = (!notes.is_empty()).then(|| notes.join("; "));
        let mut number = d
            .number
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_string();
        if number.is_empty() {
            // The UN sometimes writes the number into TYPE_OF_DOCUMENT2 or NOTE
            // (`Libyan passport number 347834, issued under name …`).
            match [type2.as_deref(), d.note.as_deref()]
                .into_iter()
                .flatten()
                .find_map(number_in_text)
            {
                Some(n) => number = n,
                None => self.unparsed(format!(
                    "document without NUMBER: {label}: {}",
                    note.as_deref().unwrap_or("")
                )),
            }
        }
        self.entity().documents.push(IdDocument {
            kind,
            label,
            number,
            country,
            issued,
            expires: None,
            note,
        });
    }

    fn finish_record(&mut self) -> Result<(), LoadError> {
        let rec = self.record.take().expect("record is open");
        let tag = if rec.kind == EntityKind::Person {
            "INDIVIDUAL"
        } else {
            "ENTITY"
        };
        let dataid = rec.dataid.as_deref().unwrap_or("?").to_string();
        let fail = |this: &mut Self, msg: String| LoadError::Xml {
            file: this.file.to_string(),
            line: rec.line,
            byte: rec.byte,
            message: msg,
        };
        let mut e = rec.e;
        if e.id.is_empty() {
            return Err(fail(
                self,
                format!("{tag} (DATAID {dataid}) has no REFERENCE_NUMBER"),
            ));
        }
        let name = rec
            .names
            .iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            return Err(fail(self, format!("{tag} {} has no name", e.id)));
        }
        if !self.seen.insert(e.id.clone()) {
            return Err(fail(
                self,
                format!("reference number {} is used twice", e.id),
            ));
        }
        e.primary_name = name;
        if e.gender.is_none() {
            e.gender = gender_in_comments(&e.remarks);
        }
        e.north_korea = e.id.starts_with("KPi.") || e.id.starts_with("KPe.");
        self.entities.push(e);
        Ok(())
    }
}

/// `Gender: male`, `Gender [Male]` inside COMMENTS1 (entries without GENDER).
fn gender_in_comments(comments: &str) -> Option<Gender> {
    let (_, rest) = comments.split_once("Gender")?;
    let word: String = rest
        .trim_start_matches([':', '[', ' '])
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    match word.to_ascii_lowercase().as_str() {
        "male" => Some(Gender::Male),
        "female" => Some(Gender::Female),
        _ => None,
    }
}

/// `1968-03-26`, `2015-04-07-04:00` (xsd:date with a zone), `1968`.
fn parse_xsd_date(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    if let Some(d) = parse_iso_partial(s) {
        return Some(d);
    }
    // Drop a time-zone suffix: `Z`, `+hh:mm`, `-hh:mm`.
    let s = s.strip_suffix('Z').unwrap_or(s);
    if s.len() > 10 && s.is_char_boundary(10) {
        let (date, zone) = s.split_at(10);
        let zone_ok = zone.len() == 6 && zone.starts_with(['+', '-']) && zone.as_bytes()[3] == b':';
        if zone_ok {
            return parse_iso_partial(date);
        }
    }
    parse_iso_partial(s)
}

/// The first token with at least four digits that is not a year.
fn number_in_text(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')'))
        .map(|t| t.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .find(|t| {
            let digits = t.bytes().filter(u8::is_ascii_digit).count();
            let year = t.len() == 4 && digits == 4;
            digits >= 4 && !year
        })
        .map(str::to_string)
}

fn classify_document(label: &str) -> Option<DocumentKind> {
    let l = label.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| l.contains(w));
    if has(&[
        "birth certificate",
        "ration card",
        "voter",
        "student",
        "driver",
        "certificate of",
        "residential card",
        "military",
        "fardc",
        "serviceman",
        "fiscal code",
        "other id",
    ]) {
        Some(DocumentKind::Other)
    } else if has(&["passport", "passeport", "pasaporte"]) {
        Some(DocumentKind::Passport)
    } else if has(&[
        "identification",
        "identity",
        "national number",
        "social security",
        "tazkira",
        "personalausweis",
        "id card",
    ]) {
        Some(DocumentKind::NationalId)
    } else {
        None
    }
}

/// DOB notes the UN gives instead of a DATE/YEAR: `Nov. 1973`, `August 1961`,
/// `Between Aug. and Sep. 1977`, `24/06/1402 (Hijri Calendar)`.
fn parse_un_date_note(n: &str, circa: bool) -> Option<DateSpec> {
    if let Some(p) = parse_partial_date(n) {
        return Some(DateSpec::On { date: p, circa });
    }
    if let Some(rest) = n
        .strip_prefix("Between ")
        .or_else(|| n.strip_prefix("between "))
    {
        let (a, b) = rest.split_once(" and ")?;
        let to = parse_partial_date(b)?;
        let from =
            parse_partial_date(a).or_else(|| PartialDate::year_month(to.year, parse_month(a)?))?;
        return (from <= to).then_some(DateSpec::Between { from, to, circa });
    }
    if let Some(d) = n
        .strip_suffix("(Hijri Calendar)")
        .or_else(|| n.strip_suffix("(Hijri calendar)"))
    {
        let parts: Vec<&str> = d.trim().split('/').collect();
        if let [day, month, year] = parts.as_slice() {
            let date =
                hijri_to_gregorian(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?;
            // The tabular calendar can differ from the observed one by a day or two.
            return Some(DateSpec::On { date, circa: true });
        }
    }
    None
}

/// Tabular (arithmetical) Islamic calendar to the proleptic Gregorian calendar.
fn hijri_to_gregorian(year: i64, month: i64, day: i64) -> Option<PartialDate> {
    if !(1..=12).contains(&month) || !(1..=30).contains(&day) || year < 1 {
        return None;
    }
    // Days before the month: ceil(29.5 * (month - 1)).
    let month_days = (59 * (month - 1) + 1) / 2;
    let jdn = day + month_days + (year - 1) * 354 + (3 + 11 * year) / 30 + 1_948_439;
    let days_from_ce = i32::try_from(jdn - 1_721_425).ok()?;
    chrono::NaiveDate::from_num_days_from_ce_opt(days_from_ce).map(PartialDate::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xsd_dates() {
        assert_eq!(
            parse_xsd_date("2015-04-07-04:00"),
            PartialDate::ymd(2015, 4, 7)
        );
        assert_eq!(parse_xsd_date("2015-04-07Z"), PartialDate::ymd(2015, 4, 7));
        assert_eq!(parse_xsd_date("1968-03-26"), PartialDate::ymd(1968, 3, 26));
        assert_eq!(parse_xsd_date("26/03/1968"), None);
    }

    #[test]
    fn date_notes() {
        assert_eq!(
            parse_un_date_note("Nov. 1973", false),
            Some(DateSpec::on(PartialDate::year_month(1973, 11).unwrap()))
        );
        assert_eq!(
            parse_un_date_note("Between Aug. and Sep. 1977", false),
            Some(DateSpec::Between {
                from: PartialDate::year_month(1977, 8).unwrap(),
                to: PartialDate::year_month(1977, 9).unwrap(),
                circa: false
            })
        );
        let DateSpec::On { date, circa: true } =
            parse_un_date_note("24/06/1402 (Hijri Calendar)", false).unwrap()
        else {
            panic!("hijri")
        };
        assert_eq!((date.year, date.month), (1982, Some(4)));
        assert_eq!(parse_un_date_note("30-35 years old", true), None);
    }

    #[test]
    fn numbers_in_notes() {
        assert_eq!(
            number_in_text("SSN 156-92-9858 (United States of America)").as_deref(),
            Some("156-92-9858")
        );
        assert_eq!(
            number_in_text("issued in 1993, under name X").as_deref(),
            None
        );
        assert_eq!(
            number_in_text("Italian Fiscal Code: DAOMMD74T11Z352Z").as_deref(),
            Some("DAOMMD74T11Z352Z")
        );
    }

    #[test]
    fn hijri_epoch() {
        // 1 Muharram 1 AH = 16 July 622 (Julian) = 19 July 622 (proleptic Gregorian).
        assert_eq!(hijri_to_gregorian(1, 1, 1), PartialDate::ymd(622, 7, 19));
        // 1 Ramadan 1445 AH = 11 March 2024.
        let d = hijri_to_gregorian(1445, 9, 1).unwrap();
        assert_eq!((d.year, d.month), (2024, Some(3)));
    }
}
