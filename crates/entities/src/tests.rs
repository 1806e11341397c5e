//! Table-driven tests of the tagger, grouped by kind, on sentences written for them.

use super::*;
use std::sync::OnceLock;

/// The world tables plus a few campaign actors, as a pack would add them.
fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let mut b = GazetteerBuilder::world();
        for alias in ["ISIS", "ISIL", "IS", "Daesh", "Da'esh", "Islamic State", "Islamic State of Iraq and the Levant"]
        {
            b.add(alias, "ISIS", EntityType::ArmedGroup);
        }
        for alias in ["ISIS-K", "ISKP", "ISIS-Khorasan"] {
            b.add(alias, "ISIS-K", EntityType::ArmedGroup);
        }
        for alias in
            ["anti-ISIS coalition", "US-led coalition", "U.S.-led coalition", "Global Coalition to Counter ISIL"]
        {
            b.add(alias, "Global Coalition to Defeat ISIS", EntityType::Organization);
        }
        for alias in ["Iraqi Security Forces", "ISF"] {
            b.add(alias, "Iraqi Security Forces", EntityType::Organization);
        }
        b.add("Iraqi Army", "Iraqi Army", EntityType::Organization);
        b.add("Peshmerga", "Peshmerga", EntityType::ArmedGroup);
        b.add("peshmerga", "Peshmerga", EntityType::ArmedGroup);
        b.add("Pentagon", "U.S. Department of Defense", EntityType::Organization);
        b.add("AP", "Associated Press", EntityType::Organization);
        b.add("United Nations", "United Nations", EntityType::Organization);
        b.add("UN", "United Nations", EntityType::Organization);
        b.add("Mosul", "Mosul", EntityType::City);
        b.add("Kobani", "Kobani", EntityType::City);
        b.add("Ayn al-Arab", "Kobani", EntityType::City);
        b.add("Qayyarah", "Qayyarah", EntityType::City);
        b.add("Anbar", "Anbar", EntityType::Region);
        b.add("Middle East", "Middle East", EntityType::Region);
        b.add("Haider al-Abadi", "Haider al-Abadi", EntityType::Person);
        b.add("Abadi", "Haider al-Abadi", EntityType::Person);
        b.add("Al-Abadi", "Haider al-Abadi", EntityType::Person);
        b.add("Ashton Carter", "Ash Carter", EntityType::Person);
        b.build()
    })
}

/// (text, canonical, type) of every mention, in text order.
fn tag(s: &str) -> Vec<(String, String, EntityType)> {
    let text = Text::new(s);
    gazetteer().tag(&text).into_iter().map(|m| (m.span.of(s).to_string(), m.canonical.to_string(), m.kind)).collect()
}

/// Asserts that every (text, canonical) is among the mentions of `s`.
fn assert_has(s: &str, want: &[(&str, &str)]) {
    let got = tag(s);
    for (text, canonical) in want {
        assert!(
            got.iter().any(|(t, c, _)| t == text && c == canonical),
            "{s:?}: no {text:?} -> {canonical:?} in {got:?}"
        );
    }
}

/// Asserts that no mention of `s` has the text `text`.
fn assert_lacks(s: &str, text: &str) {
    let got = tag(s);
    assert!(!got.iter().any(|(t, _, _)| t == text), "{s:?}: unexpected {text:?} in {got:?}");
}

#[test]
fn aliases_of_one_group_resolve_to_its_canonical() {
    for (s, text) in [
        ("ISIL fighters withdrew from the town.", "ISIL"),
        ("The IS commander was killed.", "IS"),
        ("Daesh lost ground last month.", "Daesh"),
        ("Da\u{2019}esh lost ground last month.", "Da\u{2019}esh"),
        ("Da'esh lost ground last month.", "Da'esh"),
        ("the Islamic State of Iraq and the Levant claimed it", "Islamic State of Iraq and the Levant"),
        ("the counter-ISIS fight goes on", "ISIS"),
        ("Fighters of the Islamic State held the bridge.", "Islamic State"),
    ] {
        assert_has(s, &[(text, "ISIS")]);
    }
    assert_has("ISKP claimed the bombing; ISIS-K is its Afghan branch.", &[("ISKP", "ISIS-K"), ("ISIS-K", "ISIS-K")]);
}

#[test]
fn the_coalition_only_by_purpose_or_leader() {
    assert_has("The anti-ISIS coalition met.", &[("anti-ISIS coalition", "Global Coalition to Defeat ISIS")]);
    // The leader of a leader-named coalition is a mention of its own.
    assert_has(
        "The US-led coalition struck twice.",
        &[("US-led coalition", "Global Coalition to Defeat ISIS"), ("US", "United States")],
    );
    assert_has("The U.S.-led coalition struck.", &[("U.S.", "United States")]);
    // The enemy inside the coalition's name is not annotated again.
    assert_lacks("The anti-ISIS coalition met.", "ISIS");
    for s in ["The coalition struck twice.", "The Coalition met in Paris.", "the alliance held"] {
        assert!(tag(s).iter().all(|(_, c, _)| c != "Global Coalition to Defeat ISIS"), "{s}");
    }
}

#[test]
fn countries_by_name_short_form_and_abbreviation() {
    for (s, text, canonical) in [
        ("Troops arrived in Iraq.", "Iraq", "Iraq"),
        ("fighting in northern Iraq", "Iraq", "Iraq"),
        ("The U.S. Secretary of State spoke.", "U.S.", "United States"),
        ("US aircraft flew.", "US", "United States"),
        ("the United States of America", "United States of America", "United States"),
        ("Britain sent jets.", "Britain", "United Kingdom"),
        ("the U.K. and France", "U.K.", "United Kingdom"),
        ("the UAE joined", "UAE", "United Arab Emirates"),
        ("Russia and Iran", "Russia", "Russia"),
        ("the Russian Federation", "Russian Federation", "Russia"),
        ("Turkey opened its bases.", "Turkey", "Turkey"),
        ("South Korea pledged aid.", "South Korea", "South Korea"),
        ("aid from Saudi Arabia", "Saudi Arabia", "Saudi Arabia"),
        ("a Britain-based group", "Britain", "United Kingdom"),
        ("IRAQ: A NEW OFFENSIVE", "IRAQ", "Iraq"),
    ] {
        assert_has(s, &[(text, canonical)]);
    }
}

#[test]
fn demonyms_that_name_the_state_acting() {
    for (s, text, canonical) in [
        ("Iraqi forces entered the city.", "Iraqi", "Iraq"),
        ("with our Iraqi partners", "Iraqi", "Iraq"),
        ("American troops will stay.", "American", "United States"),
        ("The French military has struck.", "French", "France"),
        ("the Iraqi government and its allies", "Iraqi", "Iraq"),
        ("Iraqi security operations continued", "Iraqi", "Iraq"),
        ("Iraqi military leaders met", "Iraqi", "Iraq"),
        ("multiple Iraqi headquarters", "Iraqi", "Iraq"),
        ("Iraqi and U.S. forces advanced", "Iraqi", "Iraq"),
        ("Canadian special forces trained them", "Canadian", "Canada"),
    ] {
        assert_has(s, &[(text, canonical)]);
    }
}

#[test]
fn demonyms_that_do_not_count() {
    for (s, text) in [
        ("Iraqi Prime Minister Haider al-Abadi spoke.", "Iraqi"),
        ("Iraqi territory shrank.", "Iraqi"),
        ("The Syrian crisis deepened.", "Syrian"),
        ("Kurdish forces advanced.", "Kurdish"),
        ("Iraqi Security Forces advanced.", "Iraqi"),
        ("a British aid worker", "British"),
    ] {
        assert_lacks(s, text);
    }
    // The longest name wins: the state force is the organisation, not the country.
    assert_has("Iraqi Security Forces advanced.", &[("Iraqi Security Forces", "Iraqi Security Forces")]);
    assert_has("the Iraqi army collapsed", &[("Iraqi army", "Iraqi Army")]);
}

#[test]
fn cities_and_regions() {
    for (s, text, canonical, kind) in [
        ("the battle for eastern Mosul", "Mosul", "Mosul", EntityType::City),
        ("BAGHDAD - Officials said", "BAGHDAD", "Baghdad", EntityType::City),
        ("Ayn al-Arab, which Kurds call Kobani", "Ayn al-Arab", "Kobani", EntityType::City),
        ("the Qayyarah Air Base", "Qayyarah", "Qayyarah", EntityType::City),
        ("in Anbar province", "Anbar", "Anbar", EntityType::Region),
        ("across the Middle East", "Middle East", "Middle East", EntityType::Region),
        ("ministers met in Paris", "Paris", "Paris", EntityType::City),
        ("talks in London and Brussels", "Brussels", "Brussels", EntityType::City),
        ("the Kirkuk oil fields", "Kirkuk", "Kirkuk", EntityType::City),
    ] {
        let got = tag(s);
        assert!(got.iter().any(|(t, c, k)| t == text && c == canonical && *k == kind), "{s:?}: {got:?}");
    }
}

#[test]
fn organisations_and_forces() {
    for (s, text, canonical) in [
        ("the ISF cleared the district", "ISF", "Iraqi Security Forces"),
        ("a Pentagon spokesman", "Pentagon", "U.S. Department of Defense"),
        ("the United Nations warned", "United Nations", "United Nations"),
        ("the UN warned", "UN", "United Nations"),
        ("AP reported the strike", "AP", "Associated Press"),
        ("Peshmerga fighters", "Peshmerga", "Peshmerga"),
        ("Kurdish peshmerga fighters", "peshmerga", "Peshmerga"),
    ] {
        assert_has(s, &[(text, canonical)]);
    }
}

#[test]
fn persons_with_titles_and_their_later_surnames() {
    for (s, want) in [
        (
            "Iraqi President Fuad Masum met them. Later Mr Masum said the talks went well.",
            &[("Fuad Masum", "Fuad Masum"), ("Masum", "Fuad Masum")][..],
        ),
        (
            "Prime Minister Haider al-Abadi spoke. Abadi said more.",
            &[("Haider al-Abadi", "Haider al-Abadi"), ("Abadi", "Haider al-Abadi")],
        ),
        (
            "Gen. Joseph Dunford arrived. Dunford's visit was short.",
            &[("Joseph Dunford", "Joseph Dunford"), ("Dunford", "Joseph Dunford")],
        ),
        (
            "U.S. Secretary of State John Kerry met them. KERRY: Thank you.",
            &[("John Kerry", "John Kerry"), ("KERRY", "John Kerry"), ("U.S.", "United States")],
        ),
        ("Lt. Gen. Lloyd J. Austin III testified.", &[("Lloyd J. Austin III", "Lloyd Austin")]),
        (
            "Defense Secretary Ashton Carter flew in. Secretary Carter said so.",
            &[("Ashton Carter", "Ash Carter"), ("Carter", "Ash Carter")],
        ),
        (
            "said Brett McGurk, the envoy. McGurk added more.",
            &[("Brett McGurk", "Brett McGurk"), ("McGurk", "Brett McGurk")],
        ),
        ("Foreign Minister Mevlüt Çavuşoğlu attended.", &[("Mevlüt Çavuşoğlu", "Mevlüt Çavuşoğlu")]),
        ("Haider Al-Abadi attended; Al-Abadi spoke.", &[("Al-Abadi", "Haider al-Abadi")]),
    ] {
        assert_has(s, want);
    }
}

/// Short given names that are also English words ("Mike", "Mark"; data/given_name_overrides.txt)
/// still open a person's name.
#[test]
fn short_given_names_that_are_words() {
    assert_has(
        "Mike Ward said the talks went well. Ward added more.",
        &[("Mike Ward", "Mike Ward"), ("Ward", "Mike Ward")],
    );
    assert_has("On Monday, Mark Henley said the talks went well.", &[("Mark Henley", "Mark Henley")]);
}

#[test]
fn a_surname_takes_the_nearest_full_name_before_it() {
    let s = "Minister Jane Trudeau spoke first. Trudeau left. President Paul Trudeau spoke next. Trudeau stayed.";
    let got = tag(s);
    let later: Vec<&str> = got.iter().filter(|(t, _, _)| t == "Trudeau").map(|(_, c, _)| c.as_str()).collect();
    assert_eq!(later, ["Jane Trudeau", "Paul Trudeau"]);
}

#[test]
fn unicode_apostrophes_and_dashes_are_normalised() {
    assert_has("Da\u{2018}esh retreated", &[("Da\u{2018}esh", "ISIS")]);
    assert_has("the US\u{2011}led coalition", &[("US\u{2011}led coalition", "Global Coalition to Defeat ISIS")]);
    assert_has("Iraq\u{2019}s army", &[("Iraq", "Iraq")]);
}

#[test]
fn negatives_yield_nothing() {
    for s in [
        "This is what it is.",
        "Tell us what happened to us.",
        "WHAT IS NEXT FOR THE REGION",
        "The coalition and its partners met again.",
        "It cost US $13 million.",
        "Iraqi territory is large and Syrian refugees fled.",
        "a man and a woman in a turkey farm",
        "Photo: Reuters / Jane Smith in Baghdad",
        "Source: Agence Iraq News",
        "By Jane Smith",
        "ISIS\u{b9}s fighters",
        "",
    ] {
        assert!(tag(s).is_empty(), "{s:?}: {:?}", tag(s));
    }
}

#[test]
fn a_dateline_agency_is_a_byline() {
    let got = tag("BAGHDAD (AP) \u{2014} Iraqi forces advanced.");
    assert!(got.iter().any(|(t, _, _)| t == "BAGHDAD"), "{got:?}");
    assert!(!got.iter().any(|(t, _, _)| t == "AP"), "{got:?}");
}

#[test]
fn a_pack_alias_overrides_world_data() {
    let mut b = GazetteerBuilder::world();
    b.add("Paris", "Paris (campaign)", EntityType::City);
    let g = b.build();
    let text = Text::new("in Paris");
    assert_eq!(&*g.tag(&text)[0].canonical, "Paris (campaign)");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn tagging_never_panics_and_spans_select_text(s in "\\PC{0,200}") {
        let text = Text::new(&s);
        for m in gazetteer().tag(&text) {
            proptest::prop_assert!(s.get(m.span.start..m.span.end).is_some());
        }
    }

    #[test]
    fn tagging_report_like_text_never_panics(words in proptest::collection::vec(proptest::sample::select(vec![
        "Iraqi", "forces", "and", "U.S.", "US", "-led", "coalition", "Mr", "Masum", "President", "Fuad", "Abadi",
        "al-Abadi", "Gen.", "J.", "III", "'s", "\u{2019}s", "(", ")", "BAGHDAD", "\n", "Photo", ":", "By", "IS",
        "Da\u{2019}esh", "$", "John", "Kerry", ".", ",", "\u{2014}", "é",
    ]), 0..40)) {
        let s = words.join(" ");
        let text = Text::new(&s);
        let _ = gazetteer().tag(&text);
        let s = words.concat();
        let text = Text::new(&s);
        let _ = gazetteer().tag(&text);
    }
}

proptest::proptest! {
    /// A line is trimmed byte by byte as `str::trim_start` trims it.
    #[test]
    fn lines_are_trimmed_as_str_trims_them(s in "([ \t\n\r\u{b}\u{c}\u{a0}\u{2028}\u{3000}\u{1c}]|x|é|By )*") {
        proptest::prop_assert_eq!(super::trim_start(&s), s.trim_start());
    }

    /// The newlines found between sentences are every newline of the text.
    #[test]
    fn newlines_between_sentences_are_all_newlines(s in "(word|W|2|Mr|U\\.S|[ .,!?\"')\n\r\t]|é|\u{2019}|\u{201d}|\u{2028})*") {
        let text = Text::new(&s);
        let want: Vec<usize> = s.match_indices('\n').map(|(i, _)| i).collect();
        proptest::prop_assert_eq!(super::newlines(&text), want);
    }
}

proptest::proptest! {
    /// The capitalisation rule on bytes (ASCII) is the rule on chars.
    #[test]
    fn capitalised_case_on_bytes_is_the_rule_on_chars(found in "[A-Za-z .'\\-é]{0,8}") {
        let by_chars = {
            let first_upper = found.chars().next().is_some_and(char::is_uppercase);
            let shouting = !found.chars().any(char::is_lowercase);
            first_upper && (!shouting || found.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        };
        proptest::prop_assert_eq!(Case::Capitalised.accepts("Alias", &found), by_chars || found == "Alias");
    }
}

/// Words of reports, in the cases and spellings the fast paths must treat as the old ones did.
fn report_word() -> impl proptest::strategy::Strategy<Value = &'static str> {
    proptest::sample::select(vec![
        "Iraqi",
        "IRAQI",
        "iraqi",
        "Iraq",
        "forces",
        "Security",
        "Forces",
        "and",
        "U.S.",
        "US",
        "us",
        "-led",
        "\u{2011}led",
        "coalition",
        "Mr",
        "Masum",
        "President",
        "Fuad",
        "Abadi",
        "ABADI",
        "al-Abadi",
        "Al-Abadi",
        "Haider",
        "Gen.",
        "J.",
        "III",
        "'s",
        "\u{2019}s",
        "(",
        ")",
        "BAGHDAD",
        "Baghdad",
        "\n",
        "\n\n",
        "Photo",
        "PHOTO",
        "Photos",
        ":",
        "/",
        "By",
        "by",
        "IS",
        "ISIS",
        "Da\u{2019}esh",
        "$",
        "John",
        "Kerry",
        "KERRY",
        "Kerry's",
        ".",
        ",",
        "\u{2014}",
        "é",
        "Émile",
        "Middle",
        "East",
        "the",
        "The",
        "town",
        "of",
        "Mosul",
        "Brett",
        "McGurk",
        "Jordan",
        "Austin",
        "Lloyd",
        "Ashton",
        "Carter",
        "2nd",
        "_x",
        "Source:",
        "Reuters",
        "Staff",
        "AP",
        "Anbar",
        "peshmerga",
        "Peshmerga",
        "Islamic",
        "State",
        "spokesman",
        "Colonel",
        "Steve",
        "Warren",
        "ayn",
        "Ayn",
        "al-Arab",
        "ISF",
        "Abode",
        "Peace",
        "Hague",
        "Netherlands",
        "United",
        "Kingdom",
        "States",
        "Arab",
        "Emirates",
        "as",
        "As",
        "Safirah",
        "New",
        "York",
        "Saudi",
        "Arabia",
        "Secretary",
        "Defense",
        "U.K.",
        "Mr.",
        "A",
        "N'Djamena",
        "Djamena",
    ])
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
    /// The aliases found by the first-word table are those every trie finds walked from its
    /// root at every word start.
    #[test]
    fn first_word_lookups_find_what_walks_from_the_root_find(
        words in proptest::collection::vec(report_word(), 0..40),
        glue in proptest::collection::vec(proptest::sample::select(vec![" ", "", "  ", "\n", "-", ". "]), 40),
    ) {
        let mut s = String::new();
        for (w, g) in words.iter().zip(&glue) {
            s.push_str(w);
            s.push_str(g);
        }
        let text = Text::new(&s);
        let g = &gazetteer().0;
        let (found, _, maybe_capitals) = g.aliases(&text);
        proptest::prop_assert_eq!(found, g.aliases_from_roots(&text), "{:?}", s);
        proptest::prop_assert_eq!(maybe_capitals, persons::maybe_capitals(&text));
    }
}

/// [`select_flat`] as first written: the candidates themselves sorted, stably.
fn select_flat_as_first_written(text: &str, mut candidates: Vec<Candidate>) -> Vec<Mention> {
    candidates.sort_by(|a, b| {
        a.span.start.cmp(&b.span.start).then(b.span.len().cmp(&a.span.len())).then(a.priority.cmp(&b.priority))
    });
    let order: Vec<usize> = (0..candidates.len()).collect();
    select_in_order_as_first_written(text, &candidates, &order)
}

/// [`select_in_order`] as first written: the chosen collected, then output.
fn select_in_order_as_first_written(text: &str, candidates: &[Candidate], order: &[usize]) -> Vec<Mention> {
    let mut chosen: Vec<usize> = Vec::with_capacity(candidates.len());
    let mut end = 0;
    for &i in order {
        let c = &candidates[i];
        if c.span.start >= end {
            chosen.push(i);
            end = c.span.end;
        }
    }
    let mut out: Vec<Mention> = Vec::with_capacity(chosen.len());
    for &i in &chosen {
        let c = &candidates[i];
        if c.hidden {
            continue;
        }
        output_chosen(text, c, order.iter().map(|&o| &candidates[o]), &mut out);
    }
    out.sort_by_key(|m| (m.span.start, m.span.end));
    out
}

proptest::proptest! {
    /// The selection by sorted keys is the selection by sorting the candidates.
    #[test]
    fn flat_selection_by_keys_is_the_selection_by_a_stable_sort(
        picks in proptest::collection::vec((0usize..30, 1usize..12, 0u8..3, 0usize..4, proptest::prelude::any::<bool>(), proptest::prelude::any::<bool>()), 0..24),
    ) {
        let text = "US-led coalition and UK\u{2011}led forces, the US-led team";
        let canonicals = ["United States", "US", "Coalition", "United Kingdom"];
        let kinds = [EntityType::Country, EntityType::Country, EntityType::Organization, EntityType::Country];
        let candidates: Vec<Candidate> = picks
            .iter()
            .filter_map(|&(start, len, priority, who, hidden, leads)| {
                let span = Span::new(start, start + len);
                text.get(span.start..span.end)?;
                Some(Candidate {
                    span,
                    canonical: Arc::from(canonicals[who]),
                    kind: kinds[who],
                    rule: "test",
                    priority,
                    hidden,
                    leads,
                })
            })
            .collect();
        proptest::prop_assert_eq!(
            select_flat(text, &candidates, &mut Vec::new()),
            select_flat_as_first_written(text, candidates)
        );
    }
}
