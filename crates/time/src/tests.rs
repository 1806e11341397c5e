//! Table-driven tests of the tagger at fixed reference dates, grouped by kind (STYLE.md):
//! absolute dates, relative past, relative future, durations, sets, extents, negatives, DCT
//! sources, and the peers' known mistakes. Every sentence is written for these tests.

use crate::*;
use chronicle_core::Document;
use jiff::civil::date;

/// (sentence, [(extent, type, value)]) at a DCT; every timex of the sentence must be listed.
type Case = (&'static str, &'static [(&'static str, &'static str, &'static str)]);

fn run(dct: Option<Date>, cases: &[Case]) {
    let tagger = Tagger::new();
    let mut failures = Vec::new();
    for (text, want) in cases {
        let got: Vec<(String, String, String)> = tagger
            .tag_with_dct(text, dct)
            .iter()
            .map(|t| {
                let kind = serde_json::to_value(t.kind).unwrap().as_str().unwrap().to_string();
                (t.span.of(text).to_string(), kind, t.value.clone())
            })
            .collect();
        let want: Vec<(String, String, String)> =
            want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
        if got != want {
            failures.push(format!("{text:?}\n   got  {got:?}\n   want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// Thursday 22 January 2015.
fn jan22() -> Option<Date> {
    Some(date(2015, 1, 22))
}

#[test]
fn absolute_dates() {
    run(
        jan22(),
        &[
            ("Ministers met on 22 March 2017 in Rome.", &[("22 March 2017", "DATE", "2017-03-22")]),
            ("Ministers met on March 22, 2017 in Rome.", &[("March 22, 2017", "DATE", "2017-03-22")]),
            ("The talks of Mar. 22, 2017 ended.", &[("Mar. 22, 2017", "DATE", "2017-03-22")]),
            ("The file is dated 2017-03-22 here.", &[("2017-03-22", "DATE", "2017-03-22")]),
            ("The form says 03/22/2017 at the top.", &[("03/22/2017", "DATE", "2017-03-22")]),
            ("The form says 03/04/2017 at the top.", &[]),
            ("Posted 13.08.2016 by the desk.", &[("13.08.2016", "DATE", "2016-08-13")]),
            (
                "It began in August 2014 and ended in 2016.",
                &[("August 2014", "DATE", "2014-08"), ("2016", "DATE", "2016")],
            ),
            ("On Thursday, July 21, 2016, they spoke.", &[("Thursday, July 21, 2016", "DATE", "2016-07-21")]),
            ("Tue 23 Sep 2014 06:58 PM", &[("Tue 23 Sep 2014 06:58 PM", "TIME", "2014-09-23T18:58")]),
            ("During the fourth quarter of 2015 work went on.", &[("the fourth quarter of 2015", "DATE", "2015-Q4")]),
            ("In the first half of 2016 the group lost ground.", &[("the first half of 2016", "DATE", "2016-H1")]),
            ("They met in the summer of 2014.", &[("the summer of 2014", "DATE", "2014-SU")]),
            ("Music of the 1990s returned.", &[("the 1990s", "DATE", "199X")]),
            (
                "Talks were held November 12-21, 2014 in Lima.",
                &[("November 12", "DATE", "2014-11-12"), ("21, 2014", "DATE", "2014-11-21")],
            ),
            ("The siege lasted until mid-2014.", &[("mid-2014", "DATE", "2014")]),
            ("A hearing is set for the week of March 6.", &[("the week of March 6", "DATE", "2015-W10")]),
            ("They met in the week of 9 March 2015.", &[("the week of 9 March 2015", "DATE", "2015-W11")]),
            ("Shares will be issued on a still unspecified date in March.", &[("March", "DATE", "2015-03")]),
            (
                "The summit will be held on April 24 and 25.",
                &[("April 24", "DATE", "2015-04-24"), ("25", "DATE", "2015-04-25")],
            ),
            ("Talks on April 24 and 25 other issues failed.", &[("April 24", "DATE", "2014-04-24")]),
            ("Since the beginning of 2014 prices rose.", &[("the beginning of 2014", "DATE", "2014")]),
            // ranges: the first date takes the month and year of the second
            (
                "The conference, held on 26-27 March 2018 in Kuwait, raised funds.",
                &[("26", "DATE", "2018-03-26"), ("27 March 2018", "DATE", "2018-03-27")],
            ),
            ("They met from 26 to 28 March.", &[("26", "DATE", "2014-03-26"), ("28 March", "DATE", "2014-03-28")]),
            (
                "From January to March 2018, partners trained police.",
                &[("January", "DATE", "2018-01"), ("March 2018", "DATE", "2018-03")],
            ),
            (
                "Between December and February 2016 they met.",
                &[("December", "DATE", "2015-12"), ("February 2016", "DATE", "2016-02")],
            ),
            (
                "In January and March 2018 they met.",
                &[("January", "DATE", "2018-01"), ("March 2018", "DATE", "2018-03")],
            ),
            ("He was 26 to 27 years old.", &[]),
            // one unit at the start or end of a named year or month
            ("In the last quarter of 2018, strikes fell.", &[("the last quarter of 2018", "DATE", "2018-Q4")]),
            ("The last half of 2015 was hard.", &[("The last half of 2015", "DATE", "2015-H2")]),
            ("The last month of 2017 was calm.", &[("The last month of 2017", "DATE", "2017-12")]),
            ("On the last day of 2017 they met.", &[("the last day of 2017", "DATE", "2017-12-31")]),
            ("The first week of March was calm.", &[("The first week of March", "DATE", "2014-03")]),
            ("In the last week, strikes rose.", &[("the last week", "DURATION", "P1W")]),
        ],
    );
}

#[test]
fn relative_past() {
    run(
        jan22(),
        &[
            ("The coalition met today in London.", &[("today", "DATE", "2015-01-22")]),
            ("Strikes hit the town yesterday.", &[("yesterday", "DATE", "2015-01-21")]),
            ("Troops arrived last week.", &[("last week", "DATE", "2015-W03")]),
            ("Prices fell last month.", &[("last month", "DATE", "2014-12")]),
            ("Exports rose last year.", &[("last year", "DATE", "2014")]),
            ("The envoy travelled on Monday.", &[("Monday", "DATE", "2015-01-19")]),
            ("The town was retaken on November 5.", &[("November 5", "DATE", "2014-11-05")]),
            ("The alliance met in September in Brussels.", &[("September", "DATE", "2014-09")]),
            ("It started two years ago.", &[("two years ago", "DATE", "2013")]),
            ("The plan was agreed earlier this month.", &[("earlier this month", "DATE", "2015-01")]),
            ("Fighters have fled since November 5.", &[("November 5", "DATE", "2014-11-05")]),
            ("Aid reached the city last summer.", &[("last summer", "DATE", "2014-SU")]),
            ("It was signed last October.", &[("last October", "DATE", "2014-10")]),
            ("The mission ended a decade ago.", &[("a decade ago", "DATE", "2005")]),
            ("The talks began on January 20.", &[("January 20", "DATE", "2015-01-20")]),
            (
                "He left in June 2012 and came back later that year.",
                &[("June 2012", "DATE", "2012-06"), ("later that year", "DATE", "2012")],
            ),
            // "the previous Friday" counts from the day last named, not from the DCT
            (
                "Shares closed on Nov. 7, 2014, down 3% from the previous Friday.",
                &[("Nov. 7, 2014", "DATE", "2014-11-07"), ("the previous Friday", "DATE", "2014-10-31")],
            ),
            (
                "The town fell on Tuesday, May 12, 2015; the following Monday the army came back.",
                &[("Tuesday, May 12, 2015", "DATE", "2015-05-12"), ("the following Monday", "DATE", "2015-05-18")],
            ),
            ("Prices fell from the previous Friday.", &[("the previous Friday", "DATE", "2015-01-16")]),
            ("Troops arrived last Friday.", &[("last Friday", "DATE", "2015-01-16")]),
            // a day counted from a named one is one timex
            (
                "The day before last Tuesday's hearing, the envoy left.",
                &[("The day before last Tuesday", "DATE", "2015-01-19")],
            ),
            ("The envoys met the day after November 5.", &[("the day after November 5", "DATE", "2014-11-06")]),
            ("The town fell the day before yesterday.", &[("the day before yesterday", "DATE", "2015-01-20")]),
        ],
    );
}

#[test]
fn relative_future() {
    run(
        jan22(),
        &[
            ("The ministers will meet tomorrow.", &[("tomorrow", "DATE", "2015-01-23")]),
            ("The ministers will meet next week.", &[("next week", "DATE", "2015-W05")]),
            ("Elections will be held in November.", &[("November", "DATE", "2015-11")]),
            ("The summit will open on November 5.", &[("November 5", "DATE", "2015-11-05")]),
            ("A review is scheduled for next year.", &[("next year", "DATE", "2016")]),
            ("The donors will gather on Saturday.", &[("Saturday", "DATE", "2015-01-24")]),
            ("Aid will flow in the coming months.", &[("the coming months", "DATE", "FUTURE_REF")]),
            ("The next meeting is scheduled for the fall.", &[("the fall", "DATE", "2015-FA")]),
            ("The report is due three weeks from now.", &[("three weeks from now", "DATE", "2015-W07")]),
        ],
    );
}

/// Cues that set the direction of a weekday or month named without a year.
#[test]
fn tense_cues() {
    run(
        jan22(),
        &[
            ("Trading is to resume in Paris on Tuesday.", &[("Tuesday", "DATE", "2015-01-27")]),
            ("The two leaders meet separately Monday.", &[("Monday", "DATE", "2015-01-26")]),
            ("The ministers are set to meet on Monday.", &[("Monday", "DATE", "2015-01-26")]),
            ("The offer had been due to expire on Friday.", &[("Friday", "DATE", "2015-01-16")]),
            ("The vote had been scheduled for Monday.", &[("Monday", "DATE", "2015-01-19")]),
            ("The talks were postponed until Tuesday.", &[("Tuesday", "DATE", "2015-01-27")]),
            ("The militants controlled the town until March.", &[("March", "DATE", "2014-03")]),
            ("The ministry has given the firms until March to reply.", &[("March", "DATE", "2015-03")]),
            ("The bank must repay the loan by March.", &[("March", "DATE", "2015-03")]),
            ("Reports had been filed by Monday.", &[("Monday", "DATE", "2015-01-19")]),
            ("Donors had pledged the funds by early March.", &[("early March", "DATE", "2014-03")]),
            ("Donors had given $80 million to the relief fund by March.", &[("March", "DATE", "2014-03")]),
            ("The envoy could arrive as soon as Monday.", &[("Monday", "DATE", "2015-01-26")]),
            ("The council adopted the plan on Tuesday.", &[("Tuesday", "DATE", "2015-01-20")]),
            ("The reduced dividend is payable March 2.", &[("March 2", "DATE", "2015-03-02")]),
            ("The appeal is heard in March.", &[("March", "DATE", "2015-03")]),
            // a modal far back still rules the clause when no cue stands nearer
            (
                "The general will be named commander of the northern task force for an operation in May.",
                &[("May", "DATE", "2015-05")],
            ),
            // ... and it rules before any word after the expression
            (
                "The coalition will nearly double its flights to the region by August in a push untouched by the crisis.",
                &[("August", "DATE", "2015-08")],
            ),
            (
                "The envoy was named head of the mission of the old commission for talks in May.",
                &[("May", "DATE", "2014-05")],
            ),
            // "agreed to meet" plans ahead, however far back; "agreed to the plan" and "due to
            // the storm" do not
            (
                "Ministers agreed to meet again in the coming months, likely in June.",
                &[("the coming months", "DATE", "FUTURE_REF"), ("June", "DATE", "2015-06")],
            ),
            ("The ministers agreed to the plan in June.", &[("June", "DATE", "2014-06")]),
            ("Flights were cancelled due to the storm in June.", &[("June", "DATE", "2014-06")]),
            ("The loan is due to expire in June.", &[("June", "DATE", "2015-06")]),
            // a weekday that owns a happening names one that has happened
            (
                "The rebels said they would look for ways to overturn Monday's ruling.",
                &[("Monday", "DATE", "2015-01-19")],
            ),
            ("They will protest Tuesday’s vote.", &[("Tuesday", "DATE", "2015-01-20")]),
            ("The envoys will meet ahead of Monday's vote.", &[("Monday", "DATE", "2015-01-26")]),
            // an opening date set off by a comma is dated by the main clause after it
            (
                "In March, a week after the second anniversary of the fall of the old city, a car bomb exploded.",
                &[("March", "DATE", "2014-03"), ("a week", "DURATION", "P1W")],
            ),
            (
                "In March, a week after the second anniversary of the fall of the old city, the envoys will return.",
                &[("March", "DATE", "2015-03"), ("a week", "DURATION", "P1W")],
            ),
        ],
    );
}

/// Quarterly reports: the reported quarter, the year-ago one and the year's own words.
#[test]
fn financial_periods() {
    run(
        Some(date(2015, 11, 5)),
        &[
            ("Net rose in this year's third quarter.", &[("this year's third quarter", "DATE", "2015-Q3")]),
            ("Output may dip in next year's first half.", &[("next year's first half", "DATE", "2016-H1")]),
            ("Sales for last year's quarter were lower.", &[("last year's quarter", "DATE", "2014-Q3")]),
            (
                "Profit rose from the corresponding period last year.",
                &[("the corresponding period last year", "DATE", "2014-Q3")],
            ),
            ("Net income for the quarter a year ago was flat.", &[("the quarter a year ago", "DATE", "2014-Q3")]),
            ("The company earned less in the 2014 quarter.", &[("the 2014 quarter", "DATE", "2014-Q3")]),
            ("Shares may rise in the current quarter.", &[("the current quarter", "DATE", "2015-Q4")]),
            (
                "Net fell in the fiscal first quarter, from a profit a year earlier.",
                &[("the fiscal first quarter", "DATE", "2015-Q1"), ("a year earlier", "DATE", "2014-Q1")],
            ),
            ("Sales rose in the fiscal-second quarter.", &[("the fiscal-second quarter", "DATE", "2015-Q2")]),
            ("The unit expects a profit for the full year.", &[("the full year", "DATE", "2015")]),
            ("Sales in the current fiscal year will grow.", &[("the current fiscal year", "DATE", "2015")]),
            (
                "The group lost money in the second quarter; it had a profit in the year-ago quarter.",
                &[("the second quarter", "DATE", "2015-Q2"), ("the year-ago quarter", "DATE", "2014-Q2")],
            ),
            (
                "Earnings in the fourth quarter will rise; the year-ago quarter was weak.",
                &[("the fourth quarter", "DATE", "2015-Q4"), ("the year-ago quarter", "DATE", "2014-Q3")],
            ),
        ],
    );
}

/// A stretch of months a report covers ("the nine months"): "a year earlier" after it is the
/// same stretch a year back, written as the year; a quarter or a day named later takes over.
#[test]
fn stretches_of_the_year() {
    run(
        Some(date(2015, 11, 5)),
        &[
            (
                "For the nine months, net rose 8% from a year earlier.",
                &[("the nine months", "DURATION", "P9M"), ("a year earlier", "DATE", "2014")],
            ),
            (
                "In the first nine months, sales fell from the 2014 period; the year-ago figures were restated.",
                &[
                    ("the first nine months", "DURATION", "P9M"),
                    ("the 2014 period", "DATE", "2014"),
                    ("year-ago", "DATE", "2014"),
                ],
            ),
            (
                "Output grew in the latest six months, compared with a year ago.",
                &[("the latest six months", "DURATION", "P6M"), ("a year ago", "DATE", "2014")],
            ),
            (
                "Profit rose in the nine months. In the third quarter it fell from a year earlier.",
                &[
                    ("the nine months", "DURATION", "P9M"),
                    ("the third quarter", "DATE", "2015-Q3"),
                    ("a year earlier", "DATE", "2014-Q3"),
                ],
            ),
            (
                "For the six months ended Aug. 12, net rose from a year earlier.",
                &[
                    ("the six months", "DURATION", "P6M"),
                    ("Aug. 12", "DATE", "2015-08-12"),
                    ("a year earlier", "DATE", "2014-08-12"),
                ],
            ),
            ("The ruling follows six months of talks.", &[("six months", "DURATION", "P6M")]),
            // two quarters at a year's start or end are its half; three are a stretch of it
            (
                "The slump will last through the first two quarters of 2016.",
                &[("the first two quarters of 2016", "DATE", "2016-H1")],
            ),
            ("Sales fell in the last two quarters of 2014.", &[("the last two quarters of 2014", "DATE", "2014-H2")]),
            (
                "Sales fell in the first three quarters of 2014.",
                &[("the first three quarters of 2014", "DATE", "2014")],
            ),
        ],
    );
}

/// Rates of an amount ("5% a year", "20% annually") are no timexes; frequencies of events are.
#[test]
fn rates_are_no_timexes() {
    run(
        jan22(),
        &[
            ("Revenue should grow 20% annually.", &[]),
            ("The plant makes 10,000 units annually.", &[]),
            ("The firm has doubled its profits annually.", &[]),
            ("The rally is held annually in the capital.", &[("annually", "SET", "P1Y")]),
            ("The board meets quarterly.", &[("quarterly", "SET", "P3M")]),
        ],
    );
}

/// Tense: a plan named as the object of a past verb ("announced plans") is a noun, not a cue
/// of the future; the past verb dates the clause.
#[test]
fn plans_as_objects() {
    run(
        Some(date(2015, 10, 30)),
        &[
            ("In September, it announced plans to buy the unit.", &[("September", "DATE", "2015-09")]),
            ("In September, it plans to buy the unit.", &[("September", "DATE", "2016-09")]),
        ],
    );
}

/// Holidays on a weekday of a month, years and centuries in words, and clause-opening phrases.
#[test]
fn named_days_and_spoken_years() {
    run(
        Some(date(2000, 2, 10)),
        &[
            ("The boat sank on Thanksgiving Day.", &[("Thanksgiving Day", "DATE", "1999-11-25")]),
            ("The boy was rescued last Thanksgiving.", &[("last Thanksgiving", "DATE", "1999-11-25")]),
            ("Voters will go to the polls on Election Day.", &[("Election Day", "DATE", "2000-11-07")]),
            ("The plan runs to the year two thousand and five.", &[("the year two thousand and five", "DATE", "2005")]),
            ("It was signed in the year 1995.", &[("the year 1995", "DATE", "1995")]),
            ("It happened in January nineteen ninety-seven.", &[("January nineteen ninety-seven", "DATE", "1997-01")]),
            (
                "It snowed in the winter of nineteen ninety-four.",
                &[("the winter of nineteen ninety-four", "DATE", "1994-WI")],
            ),
            ("Two thousand troops left.", &[]),
            ("The temple dates from the 11th century.", &[("the 11th century", "DATE", "10")]),
            ("She is a 20th century politician.", &[("20th century", "DATE", "19")]),
        ],
    );
}

#[test]
fn clause_phrases_and_counts() {
    run(
        jan22(),
        &[
            (
                "He was promoted in May 2012, and the following year he moved to Paris.",
                &[("May 2012", "DATE", "2012-05"), ("the following year", "DATE", "2013")],
            ),
            (
                "The firm was sold in March 2010. The following month, its chief resigned.",
                &[("March 2010", "DATE", "2010-03"), ("The following month", "DATE", "2010-04")],
            ),
            ("The town has fared badly in the following year.", &[("the following year", "DURATION", "P1Y")]),
            ("Markets are nervous these days.", &[("these days", "DATE", "PRESENT_REF")]),
            ("Islam will one day be the largest faith there.", &[("one day", "DATE", "FUTURE_REF")]),
            ("The strike lasted one day.", &[("one day", "DURATION", "P1D")]),
            ("Prices fell for eight trading days.", &[("eight trading days", "DURATION", "P8D")]),
            ("He ended a several-year tenure.", &[("several-year", "DURATION", "PXY")]),
            ("Funds hold more than a quarter of the market.", &[]),
            ("Profit rose, compared with losses a year earlier.", &[("a year earlier", "DATE", "2014-01-22")]),
            ("Growth was 5% a year.", &[]),
        ],
    );
}

#[test]
fn durations() {
    run(
        jan22(),
        &[
            ("The siege lasted four years.", &[("four years", "DURATION", "P4Y")]),
            ("It took twenty-five days.", &[("twenty-five days", "DURATION", "P25D")]),
            ("A two-day visit followed.", &[("two-day", "DURATION", "P2D")]),
            ("Over the past three years the group grew.", &[("the past three years", "DURATION", "P3Y")]),
            ("Over the past 48 hours, strikes continued.", &[("the past 48 hours", "DURATION", "PT48H")]),
            ("The mandate runs another 12 months.", &[("another 12 months", "DURATION", "P12M")]),
            ("It lasted more than a year.", &[("more than a year", "DURATION", "P1Y")]),
            ("It may take several more years.", &[("several more years", "DURATION", "PXY")]),
            ("It was a days-long battle.", &[("days-long", "DURATION", "PXD")]),
            ("The blackout lasted three hours.", &[("three hours", "DURATION", "PT3H")]),
            ("The city has stood for two thousand years.", &[("two thousand years", "DURATION", "P2000Y")]),
            ("The siege lasted three hundred days.", &[("three hundred days", "DURATION", "P300D")]),
            ("The 10-year plan was shelved.", &[("10-year", "DURATION", "P10Y")]),
        ],
    );
}

#[test]
fn sets() {
    run(
        jan22(),
        &[
            ("Aircraft fly every day.", &[("every day", "SET", "P1D")]),
            ("The group meets each week.", &[("each week", "SET", "P1W")]),
            ("Convoys leave daily.", &[("daily", "SET", "P1D")]),
            ("The council meets every Monday.", &[("every Monday", "SET", "XXXX-WXX-1")]),
        ],
    );
}

#[test]
fn references_and_times() {
    run(
        Some(date(2016, 7, 21)),
        &[
            ("The coalition is now larger.", &[("now", "DATE", "PRESENT_REF")]),
            ("To date, 60 partners have joined.", &[("To date", "DATE", "PRESENT_REF")]),
            ("So far the plan works.", &[("So far", "DATE", "PRESENT_REF")]),
            ("The militants recently lost ground.", &[("recently", "DATE", "PAST_REF")]),
            ("Attacks rose in recent weeks.", &[("recent weeks", "DATE", "PAST_REF")]),
            ("We met this morning.", &[("this morning", "TIME", "2016-07-21TMO")]),
            ("Shares fell in mid-afternoon yesterday.", &[("mid-afternoon yesterday", "TIME", "2016-07-20TAF")]),
            ("By mid afternoon the town was quiet.", &[("mid afternoon", "TIME", "2016-07-21TAF")]),
            ("It was quiet on Monday evening.", &[("Monday evening", "TIME", "2016-07-18TEV")]),
            ("The vote is at 7:30 PM.", &[("7:30 PM", "TIME", "2016-07-21T19:30")]),
            ("The fast of Ramadan begins soon.", &[("Ramadan", "DATE", "2016-06")]),
        ],
    );
}

#[test]
fn extents_leave_out_prepositions_and_keep_modifiers() {
    run(
        Some(date(2016, 2, 3)),
        &[
            ("It fell in September.", &[("September", "DATE", "2015-09")]),
            ("Aid arrived in early December.", &[("early December", "DATE", "2015-12")]),
            (
                "Work slowed during the last three weeks of December.",
                &[("the last three weeks of December", "DATE", "2015-12")],
            ),
            ("It was taken just two years ago.", &[("just two years ago", "DATE", "2014")]),
            ("It was taken less than two years ago.", &[("less than two years ago", "DATE", "2014")]),
            ("The offensive began this past April.", &[("this past April", "DATE", "2015-04")]),
            ("Losses in the fourth quarter were heavy.", &[("the fourth quarter", "DATE", "2015-Q4")]),
        ],
    );
}

#[test]
fn negatives() {
    run(
        jan22(),
        &[
            ("Some 2014 fighters crossed the border.", &[]),
            ("The council adopted resolution 2178 unanimously.", &[]),
            ("We may see more strikes.", &[]),
            ("May I ask a question?", &[]),
            ("Thousands joined the march on the capital.", &[]),
            ("The March was peaceful.", &[]),
            ("Release No. 20151228-04 was issued.", &[]),
            // the tail of a release number at a line's end is no day of the month on the next
            ("Release No. 20170503-01\nMay 3, 2017\nStrikes went on.", &[("May 3, 2017", "DATE", "2017-05-03")]),
            ("The total was 01\nMay brought more.", &[]),
            ("3 min read", &[]),
            ("Good morning, everyone.", &[]),
            ("Now, I think we should go.", &[]),
            ("Prime Minister Theresa May spoke.", &[]),
            ("This is VOA Today.", &[]),
            ("The case is for today's youth what the war was for their parents.", &[]),
            ("If I were choosing the people of tomorrow, I would choose them.", &[]),
            ("Baker said on ABC's \"This Week\" that talks go on.", &[]),
            ("Gonzalez spoke on CBS's 60 Minutes about his son.", &[]),
            ("Iraq Hails Liberation after Month-Long Battle", &[]),
            ("Sales fell at Acme Co. Recently, analysts cut forecasts.", &[("Recently", "DATE", "PAST_REF")]),
            ("The recent gains are fragile.", &[]),
            ("Officials blamed the general for the fall of Mosul.", &[]),
        ],
    );
}

#[test]
fn no_dct_never_borrows_the_clock() {
    run(
        None,
        &[
            ("The ministers met today.", &[("today", "DATE", "PRESENT_REF")]),
            ("Troops arrived last week.", &[("last week", "DATE", "PAST_REF")]),
            ("The town fell on November 5.", &[("November 5", "DATE", "XXXX-11-05")]),
            ("Strikes continued on Monday.", &[("Monday", "DATE", "XXXX-WXX-1")]),
            ("Prices fell from the previous Friday.", &[("the previous Friday", "DATE", "XXXX-WXX-5")]),
            ("The envoys met the day after June 5.", &[("the day after June 5", "DATE", "XXXX-06-06")]),
            ("The envoys met the day after February 28.", &[("the day after February 28", "DATE", "XXXX-XX-XX")]),
            ("The envoys met the day after February 29.", &[("the day after February 29", "DATE", "XXXX-03-01")]),
            ("They left the day before Monday.", &[("the day before Monday", "DATE", "XXXX-WXX-7")]),
            ("It lasted four years.", &[("four years", "DURATION", "P4Y")]),
        ],
    );
}

/// The peers' known mistakes (PEERS.md), each a case chronicle gets right.
#[test]
fn peer_failures() {
    run(jan22(), &[("The town was taken on November 5.", &[("November 5", "DATE", "2014-11-05")])]);
    run(Some(date(2017, 1, 6)), &[("The strike of Dec 29 killed two.", &[("Dec 29", "DATE", "2016-12-29")])]);
    run(jan22(), &[("Strikes have continued since November 5.", &[("November 5", "DATE", "2014-11-05")])]);
    run(jan22(), &[("They arrived last week.", &[("last week", "DATE", "2015-W03")])]);
    run(
        jan22(),
        &[
            ("Growth slowed at the end of last year.", &[("the end of last year", "DATE", "2014")]),
            ("It opens in early 2016.", &[("early 2016", "DATE", "2016")]),
            ("It grew over the past two years.", &[("the past two years", "DURATION", "P2Y")]),
        ],
    );
    run(jan22(), &[("The war lasted four years.", &[("four years", "DURATION", "P4Y")])]);
    run(jan22(), &[("Cars of the 1950s were big.", &[("the 1950s", "DATE", "195X")])]);
    run(jan22(), &[("We may well win.", &[])]);
    run(jan22(), &[("The group was founded in 2014.", &[("2014", "DATE", "2014")])]);
}

fn doc(url: Option<&str>, published: Option<&str>, text: &str) -> Document {
    Document {
        id: "t".into(),
        url: url.map(String::from),
        published: published.map(String::from),
        title: None,
        text: text.into(),
    }
}

#[test]
fn dct_sources() {
    let tagger = Tagger::new();
    let cases: &[(Document, Option<&str>, DctSource)] = &[
        (doc(Some("https://x.org/2016/10/28/a"), Some("2016-10-27"), "Text."), Some("2016-10-27"), DctSource::Metadata),
        (doc(Some("https://x.org/2016/10/28/story/"), None, "Text."), Some("2016-10-28"), DctSource::Url),
        (doc(Some("https://x.org/news/20150413/1.html"), None, "Text."), Some("2015-04-13"), DctSource::Url),
        (doc(Some("https://x.org/map-may-25-2016"), None, "Text."), Some("2016-05-25"), DctSource::Url),
        (
            doc(None, None, "Meeting\n\nMar 24, 2017\n\nOn March 22 ministers met."),
            Some("2017-03-24"),
            DctSource::Dateline,
        ),
        (
            doc(None, None, "WASHINGTON, Feb. 6, 2019 \u{2014} The envoy spoke."),
            Some("2019-02-06"),
            DctSource::Dateline,
        ),
        (
            doc(None, None, "Liberation | Media | DW | 13.08.2016\nThe town was freed."),
            Some("2016-08-13"),
            DctSource::Dateline,
        ),
        (doc(None, None, "Tue 23 Sep 2014 06:58 PM\n\nStrikes hit."), Some("2014-09-23"), DctSource::Dateline),
        (
            doc(
                None,
                None,
                &format!(
                    "{}The town fell on May 3, 2015. Talks were held on June 9, 2015.",
                    "Filler text. ".repeat(60)
                ),
            ),
            Some("2015-06-09"),
            DctSource::Inferred,
        ),
        (doc(None, None, "Troops arrived last week."), None, DctSource::None),
        (
            Document {
                title: Some("Control map: May 25, 2016".into()),
                ..doc(None, None, "Troops arrived last week.")
            },
            Some("2016-05-25"),
            DctSource::Dateline,
        ),
    ];
    for (d, want, source) in cases {
        let text = Text::new(&d.text);
        let a = tagger.analyse(d, &text);
        assert_eq!(a.dct.date.map(|x| x.to_string()).as_deref(), *want, "{:?}", d.text);
        assert_eq!(a.dct.source, *source, "{:?}", d.text);
    }
}

#[test]
fn complete_date_helper() {
    assert_eq!(complete_date("2015-01-22"), Some(date(2015, 1, 22)));
    assert_eq!(complete_date("2014-09-23T18:58"), Some(date(2014, 9, 23)));
    for v in ["2015-01", "2015", "2015-W04", "P5Y", "PRESENT_REF", "XXXX-01-22", "2015-02-30", "2015-01-2\u{e9}x", ""] {
        assert_eq!(complete_date(v), None, "{v}");
    }
    assert_eq!(value_year_month("2015-01-22"), Some((2015, Some(1))));
    assert_eq!(value_year_month("2015-Q1"), Some((2015, None)));
    assert_eq!(value_year_month("PAST_REF"), None);
}

proptest::proptest! {
    #[test]
    fn no_input_panics(s in "\\PC{0,300}", y in 1i16..9999, m in 1i8..=12, d in 1i8..=28) {
        let tagger = Tagger::new();
        let dct = Date::new(y, m, d).ok();
        for t in tagger.tag_with_dct(&s, dct) {
            proptest::prop_assert!(s.is_char_boundary(t.span.start) && s.is_char_boundary(t.span.end));
            proptest::prop_assert!(t.span.start < t.span.end);
        }
        let doc = Document { id: "p".into(), url: Some(s.clone()), text: s.clone(), ..Document::default() };
        let text = Text::new(&doc.text);
        let _ = tagger.analyse(&doc, &text);
    }

    #[test]
    fn date_words_never_panic(words in proptest::collection::vec(proptest::sample::select(vec![
        "the", "last", "next", "May", "March", "2014", "12", "-", ",", "of", "years", "ago", "early",
        "Monday", "a", "quarter", "third", "half", "/", ":", "30", "PM", "twenty-five", "days", "'", "90", "s",
        "every", "since", "to", "date", "so", "far", "Sept", ".", "1990", "Ramadan", "New", "Year's", "Day",
    ]), 0..16)) {
        let tagger = Tagger::new();
        let s = words.join(" ");
        let _ = tagger.tag_with_dct(&s, Some(date(2015, 1, 22)));
        let _ = tagger.tag_with_dct(&s, None);
        let _ = tagger.tag_with_dct(&words.concat(), Some(date(2099, 12, 31)));
    }
}

/// The grammar finds the tense only for meanings that read it (`Sem::reads_tense`): every
/// other meaning must resolve to the same value in a past, a future and a neutral clause,
/// whatever the DCT and the dates named before it; and a complete day, which the DCT finder
/// reads only in past-tense sentences, must read it.
#[test]
fn values_that_read_no_tense_do_not_move_with_it() {
    use crate::tag::{Mention, Sem};
    let tagger = Tagger::new();
    let day = date(2014, 9, 23);
    let sems = [
        Sem::Value("P5Y".into()),
        Sem::Point(Point::Day(day)),
        Sem::Point(Point::Year(2014)),
        Sem::Point(Point::Month { year: 2014, month: 3 }),
        Sem::Point(Point::Quarter { year: 2014, quarter: 2 }),
        Sem::Point(Point::Season { year: 2014, season: "SU" }),
        Sem::Point(Point::Decade(199)),
        Sem::DateTime(day, "18:58".into()),
        Sem::MonthDay { month: 3, day: 2, clock: None },
        Sem::MonthDay { month: 11, day: 30, clock: Some("19:30".into()) },
        Sem::Month(3),
        Sem::Month(11),
        Sem::Weekday { weekday: 2, part: None, shift: None },
        Sem::Weekday { weekday: 5, part: Some("MO"), shift: Some(-1) },
        Sem::Weekday { weekday: 4, part: None, shift: Some(1) },
        Sem::Deictic { days: -1, part: Some("NI") },
        Sem::Relative { unit: Unit::Week, shift: -1 },
        Sem::Relative { unit: Unit::Weekend, shift: 1 },
        Sem::RelativeMonth { month: 10, shift: -1 },
        Sem::RelativeMonth { month: 3, shift: 1 },
        Sem::RelativeMonth { month: 6, shift: 0 },
        Sem::MonthOfRelativeYear { month: 3, year_shift: -1 },
        Sem::PartOfRelativeYear { quarter: true, n: 4, year_shift: -1 },
        Sem::RelativeSeason { season: "SP", shift: -1 },
        Sem::RelativeSeason { season: "FA", shift: 1 },
        Sem::RelativeSeason { season: "FA", shift: 0 },
        Sem::PartOfYear { quarter: true, n: 3 },
        Sem::PartOfYear { quarter: false, n: 2 },
        Sem::CurrentQuarter,
        Sem::ThatUnit(Unit::Year),
        Sem::ThatUnit(Unit::Day),
        Sem::YearAgoQuarter,
        Sem::QuarterOfYear(1988),
        Sem::WeekOf { month: 3, day: 6 },
        Sem::NextUnit { unit: Unit::Month, shift: 1 },
        Sem::Weekend,
        Sem::Ago { n: 2, unit: Unit::Year, sign: -1 },
        Sem::Ago { n: 1, unit: Unit::Year, sign: -1 },
        Sem::After { n: 1, unit: Unit::Day, sign: 1 },
        Sem::After { n: 1, unit: Unit::Year, sign: -1 },
        Sem::WeekdayClock { weekday: 3, clock: "22:00".into() },
        Sem::Holiday(0),
        Sem::HolidayIn(0, 2014),
        Sem::Clock("07:30".into()),
        Sem::DayFrom { inner: Box::new(Sem::Deictic { days: -1, part: None }), days: -1 },
        Sem::DayFrom { inner: Box::new(Sem::MonthDay { month: 6, day: 5, clock: None }), days: 1 },
        Sem::DayFrom { inner: Box::new(Sem::Weekday { weekday: 2, part: None, shift: Some(-1) }), days: -1 },
    ];
    let dcts = [None, Some(date(2015, 1, 22)), Some(date(2014, 6, 30)), Some(date(2016, 11, 5))];
    let points =
        [None, Some(Point::Day(day)), Some(Point::Quarter { year: 2014, quarter: 3 }), Some(Point::Year(2013))];
    for sem in sems {
        let mention = |tense| Mention {
            start: 0,
            end: 1,
            kind: TimexType::Date,
            sem: sem.clone(),
            modifier: None,
            rule: "test",
            tense,
            sentence: 0,
        };
        if dct::complete(&mention(Tense::Past)).is_some() {
            assert!(sem.reads_tense(), "{sem:?} is a complete day: the DCT finder reads its tense");
        }
        if sem.reads_tense() {
            continue;
        }
        for dct in dcts {
            for anchor in points {
                for period in points {
                    let value = |tense| tagger.resolve(&mut mention(tense), dct, anchor, anchor, period);
                    let neutral = value(Tense::Neutral);
                    for tense in [Tense::Past, Tense::Future] {
                        assert_eq!(value(tense), neutral, "{sem:?} at {dct:?} after {anchor:?}, {period:?}");
                    }
                }
            }
        }
    }
}
