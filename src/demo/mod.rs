//! The demo portfolio: a realistic, deterministic sample to try hb on.
//!
//! Pure generation, no I/O: the same count and the same `now` give the same records.
//! Every property draws from its own PRNG stream seeded by its id, so property 7 is the
//! same whether the demo has 300 properties or a million.
//!
//! `app` writes the sample application the demo's health checks watch (files: I/O).

use serde::Serialize;

use crate::clock::DAY_SECS;
use crate::config::StaleDays;
use crate::pipeline::{self, ContractStatus, Health, Stage};
use crate::store::{
    DemoContact, DemoContract, DemoProperty, DemoReminder, DemoWatchlist, PropertyRecord,
};

pub mod app;
pub mod sandbox;

const SEED: u64 = 0x4842_4445_4D4F_0001; // "HBDEMO", 1

/// splitmix64: a few lines, fast, and plenty for sample data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// An independent stream for item `id` of a stream family.
    fn for_item(family: u64, id: u64) -> Self {
        // Hash the seed once, so neighbouring ids do not start on overlapping sequences.
        Rng::new(Rng::new(family.wrapping_add(id)).next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform in lo..=hi.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1).max(1) as u64) as i64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One of `items`, which must not be empty (all callers pass constant tables).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next_u64() as usize % items.len()]
    }

    /// One of `items`, in proportion to its weight.
    pub fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut ticket = self.next_u64() % total.max(1);
        for (item, weight) in items {
            if ticket < u64::from(*weight) {
                return *item;
            }
            ticket -= u64::from(*weight);
        }
        items[items.len() - 1].0
    }
}

fn days(d: f64) -> i64 {
    (d * DAY_SECS as f64) as i64
}

/// A point between `from` and `to` at fraction `f`.
fn between(from: i64, to: i64, f: f64) -> i64 {
    from + ((to - from) as f64 * f) as i64
}

struct City {
    name: &'static str,
    state: &'static str,
    zip: u32,
    area_code: u16,
    median_price: f64,
    /// Percent the area's prices moved over the last 60 days (the market module's "shift").
    trend: f64,
}

const fn city(
    name: &'static str,
    state: &'static str,
    zip: u32,
    area_code: u16,
    median_price: f64,
    trend: f64,
) -> City {
    City {
        name,
        state,
        zip,
        area_code,
        median_price,
        trend,
    }
}

const CITIES: &[City] = &[
    city("Austin", "TX", 78701, 512, 520_000.0, -6.5),
    city("Dallas", "TX", 75201, 214, 410_000.0, 1.0),
    city("Houston", "TX", 77002, 713, 335_000.0, 0.5),
    city("San Antonio", "TX", 78205, 210, 295_000.0, -1.5),
    city("Phoenix", "AZ", 85003, 602, 430_000.0, -4.0),
    city("Atlanta", "GA", 30303, 404, 395_000.0, 2.0),
    city("Tampa", "FL", 33602, 813, 410_000.0, -7.5),
    city("Orlando", "FL", 32801, 407, 390_000.0, -2.0),
    city("Jacksonville", "FL", 32202, 904, 320_000.0, 0.0),
    city("Charlotte", "NC", 28202, 704, 400_000.0, 3.0),
    city("Raleigh", "NC", 27601, 919, 440_000.0, 2.5),
    city("Nashville", "TN", 37203, 615, 470_000.0, 1.5),
    city("Memphis", "TN", 38103, 901, 210_000.0, 6.5),
    city("Birmingham", "AL", 35203, 205, 230_000.0, 1.0),
    city("Columbus", "OH", 43215, 614, 285_000.0, 4.0),
    city("Cleveland", "OH", 44113, 216, 190_000.0, 8.0),
    city("Indianapolis", "IN", 46204, 317, 260_000.0, 3.5),
    city("Detroit", "MI", 48226, 313, 175_000.0, 5.5),
    city("Kansas City", "MO", 64105, 816, 270_000.0, 2.0),
    city("St. Louis", "MO", 63101, 314, 230_000.0, 0.5),
    city("Louisville", "KY", 40202, 502, 250_000.0, 1.0),
    city("Oklahoma City", "OK", 73102, 405, 225_000.0, 0.0),
    city("Denver", "CO", 80202, 303, 590_000.0, -3.0),
    city("Las Vegas", "NV", 89101, 702, 430_000.0, -1.0),
    city("Boise", "ID", 83702, 208, 480_000.0, -5.0),
    city("Salt Lake City", "UT", 84101, 801, 530_000.0, -0.5),
    city("Sacramento", "CA", 95814, 916, 520_000.0, -2.5),
    city("Pittsburgh", "PA", 15222, 412, 220_000.0, 3.0),
    city("Baltimore", "MD", 21201, 410, 260_000.0, 1.5),
    city("Milwaukee", "WI", 53202, 414, 240_000.0, 4.5),
];

const STREETS: &[&str] = &[
    "Main",
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Elm",
    "Walnut",
    "Lakeview",
    "Hillcrest",
    "Sunset",
    "Park",
    "Washington",
    "Lincoln",
    "Jefferson",
    "Highland",
    "Meadow",
    "Willow",
    "Ridge",
    "Church",
    "Mill",
    "Spring",
    "River",
    "Forest",
    "Chestnut",
    "Magnolia",
    "Dogwood",
    "Pecan",
    "Sycamore",
    "Cherry",
    "Birch",
    "Franklin",
    "Jackson",
    "Madison",
    "Grant",
    "Fairview",
    "Woodland",
    "Orchard",
    "Briarwood",
    "Sherwood",
    "Prairie",
];
const SUFFIXES: &[&str] = &[
    "St", "Ave", "Dr", "Ln", "Rd", "Ct", "Blvd", "Way", "Pl", "Cir", "Ter", "Trl",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    SingleFamily,
    Condo,
    Townhouse,
    MultiFamily,
    Land,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::SingleFamily => "single_family",
            Kind::Condo => "condo",
            Kind::Townhouse => "townhouse",
            Kind::MultiFamily => "multi_family",
            Kind::Land => "land",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::SingleFamily => "single-family homes",
            Kind::Condo => "condos",
            Kind::Townhouse => "townhouses",
            Kind::MultiFamily => "multi-family",
            Kind::Land => "lots",
        }
    }
}

const KINDS: &[(Kind, u32)] = &[
    (Kind::SingleFamily, 56),
    (Kind::Condo, 14),
    (Kind::Townhouse, 12),
    (Kind::MultiFamily, 12),
    (Kind::Land, 6),
];

const CONTRACT_NAMES: &[&str] = &[
    "Purchase agreement",
    "Assignment contract",
    "Seller disclosure",
    "Inspection addendum",
    "Earnest money receipt",
    "Title commitment",
    "Lead paint disclosure",
];

const BLOCKERS: &[&str] = &[
    "Title dispute with a prior lienholder",
    "Owner unreachable after skip trace",
    "Probate pending",
    "Tenant-occupied: lease runs four more months",
    "HOA right of first refusal",
    "Seller disputes the appraisal",
    "Unpermitted addition found at inspection",
    "Zoning variance needed",
];

const FIRST_NAMES: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Maria",
    "Daniel",
    "Nancy",
    "Luis",
    "Karen",
    "Anthony",
    "Lisa",
    "Kevin",
    "Angela",
    "Andre",
    "Mei",
];
const LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Nguyen",
    "Patel",
    "Robinson",
    "Walker",
];
const INTERACTION_KINDS: &[&str] = &["call", "email", "text", "meeting", "voicemail"];

const RECURRENCES: &[(Option<&str>, u32)] = &[
    (None, 70),
    (Some("daily"), 6),
    (Some("weekly"), 10),
    (Some("monthly"), 6),
    (Some("every 3d"), 8),
];

/// What a generated property is meant to show; its health follows from the facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    Healthy,
    Stale,
    /// A recorded blocker.
    BlockedReason,
    /// An open contract past its deadline.
    BlockedDeadline,
}

/// The portfolio's properties 1..=count, generated lazily so a million never sit in memory.
pub fn properties(count: u32, now: i64, stale: StaleDays) -> impl Iterator<Item = DemoProperty> {
    (1..=i64::from(count)).map(move |id| property(id, now, &stale).0)
}

fn property(id: i64, now: i64, stale: &StaleDays) -> (DemoProperty, Plan) {
    let mut rng = Rng::for_item(SEED, id as u64);
    let city = rng.pick(CITIES);
    let kind = rng.weighted(KINDS);

    let (beds, baths, sqft) = match kind {
        Kind::Land => (None, None, None),
        _ => {
            let beds = match kind {
                Kind::Condo => rng.int(1, 3),
                Kind::Townhouse => rng.int(2, 4),
                Kind::MultiFamily => rng.int(4, 8),
                _ => rng.int(2, 5),
            };
            let baths = (beds as f64 - rng.int(0, 2) as f64 * 0.5).max(1.0);
            let sqft = beds * 420 + rng.int(250, 900);
            (Some(beds), Some(baths), Some(sqft))
        }
    };
    let kind_factor = match kind {
        Kind::SingleFamily => 1.0,
        Kind::Condo => 0.75,
        Kind::Townhouse => 0.85,
        Kind::MultiFamily => 1.4,
        Kind::Land => 0.3,
    };
    let size_factor = sqft.map_or(1.0, |s| (s as f64 / 1800.0).powf(0.7));
    let list_price = (city.median_price * kind_factor * size_factor * rng.range(0.8, 1.25) / 500.0)
        .round()
        * 500.0;
    let street = format!(
        "{} {} {}",
        rng.int(100, 9899),
        rng.pick(STREETS),
        rng.pick(SUFFIXES)
    );
    let address = if kind == Kind::Condo {
        format!("{street} Unit {}", rng.int(1, 24) * 100 + rng.int(1, 12))
    } else {
        street
    };
    // Two uniforms averaged: most scores are middling, about 8% reach 80.
    let score = ((rng.unit() + rng.unit()) * 50.0).round();

    let stage = rng.weighted(&[
        (Stage::New, 18),
        (Stage::Enriched, 18),
        (Stage::Researched, 18),
        (Stage::WaitingForContracts, 28),
        (Stage::Complete, 18),
    ]);
    let plan = match stage {
        Stage::Complete => {
            if rng.chance(0.04) {
                Plan::BlockedReason
            } else {
                Plan::Healthy
            }
        }
        Stage::WaitingForContracts => rng.weighted(&[
            (Plan::Healthy, 63),
            (Plan::Stale, 25),
            (Plan::BlockedReason, 4),
            (Plan::BlockedDeadline, 8),
        ]),
        _ => rng.weighted(&[
            (Plan::Healthy, 64),
            (Plan::Stale, 30),
            (Plan::BlockedReason, 6),
        ]),
    };
    let limit = stage.stale_after_days(stale).unwrap_or(30.0);
    let age = match plan {
        Plan::Healthy if stage == Stage::Complete => rng.range(0.5, 60.0),
        Plan::Healthy => limit * rng.range(0.05, 0.95),
        Plan::Stale => limit * rng.range(1.05, 3.0),
        Plan::BlockedReason => limit * rng.range(0.2, 2.5),
        // Old enough that the missed deadline fell after the contract was attached.
        Plan::BlockedDeadline => rng.range(8.0, 25.0),
    };
    let entered = now - days(age);

    // Walk back from the fact that entered the stage: each earlier step a few days before.
    let gap = |rng: &mut Rng, at: i64| at - days(rng.range(0.2, 4.0));
    let mut contracts = Vec::new();
    let (created_at, enriched_at, skip_traced_at) = match stage {
        Stage::New => (entered, None, None),
        Stage::Enriched => (gap(&mut rng, entered), Some(entered), None),
        Stage::Researched | Stage::WaitingForContracts | Stage::Complete => {
            let skip_traced = match stage {
                Stage::Researched => entered,
                Stage::WaitingForContracts => {
                    contracts = waiting_contracts(&mut rng, entered, now, plan, age);
                    gap(&mut rng, entered)
                }
                _ => {
                    contracts = completed_contracts(&mut rng, entered);
                    let first = contracts.iter().map(|c| c.attached_at).min();
                    gap(&mut rng, first.unwrap_or(entered))
                }
            };
            // Now and then enrichment was skipped: the heartbeat then asks for it first.
            let skipped = stage != Stage::Complete && rng.chance(0.02);
            let enriched = (!skipped).then(|| gap(&mut rng, skip_traced));
            let created = gap(&mut rng, enriched.unwrap_or(skip_traced));
            (created, enriched, Some(skip_traced))
        }
    };

    let latest_fact = contracts
        .iter()
        .flat_map(|c| [c.sent_at, c.signed_at, c.completed_at, c.cancelled_at])
        .flatten()
        .chain(contracts.iter().map(|c| c.attached_at))
        .chain([created_at])
        .chain(enriched_at)
        .chain(skip_traced_at)
        .max()
        .unwrap_or(created_at);
    // Some properties saw a call or a visit since their last recorded fact.
    let last_action_at = if rng.chance(0.4) {
        between(latest_fact, now, rng.unit())
    } else {
        latest_fact
    };

    let record = PropertyRecord {
        id: Some(id),
        external_ref: Some(format!("DEMO-{id:07}")),
        address: address.clone(),
        city: Some(city.name.to_string()),
        state: Some(city.state.to_string()),
        zip: Some(format!("{:05}", city.zip + rng.int(0, 39) as u32)),
        kind: Some(kind.as_str().to_string()),
        list_price: Some(list_price),
        beds,
        baths,
        sqft,
        score: Some(score),
        created_at,
        enriched_at,
        skip_traced_at,
        blocked_reason: (plan == Plan::BlockedReason).then(|| rng.pick(BLOCKERS).to_string()),
        last_action_at: Some(last_action_at),
        snoozed_until: None,
        snooze_reason: None,
    };

    let mut contacts = Vec::new();
    // The skip trace found the owner.
    if let (Some(found_at), true) = (skip_traced_at, rng.chance(0.45)) {
        contacts.push(contact(&mut rng, city, found_at, now));
    }
    // The listing agent, known since the property came in.
    if rng.chance(0.08) {
        contacts.push(contact(&mut rng, city, created_at, now));
    }

    let mut reminders = Vec::new();
    if rng.chance(0.04) {
        let title = match (rng.int(0, 3), contracts.first()) {
            (0, Some(c)) => format!("Follow up on the {} for {address}", c.name.to_lowercase()),
            (1, _) => format!("Walkthrough at {address}"),
            (2, _) => format!("Re-check comps for {address}"),
            _ => format!("Call the owner of {address}"),
        };
        let due_at = if rng.chance(0.45) {
            now - days(rng.range(0.05, 5.0))
        } else {
            now + days(rng.range(0.1, 14.0))
        };
        reminders.push(DemoReminder {
            title,
            due_at,
            recurrence: rng.weighted(RECURRENCES),
            created_at: due_at.min(now) - days(rng.range(1.0, 20.0)),
        });
    }

    let mut prices = Vec::new();
    if rng.chance(0.3) {
        let window = days(60.0);
        let mut times: Vec<i64> = (0..rng.int(2, 4))
            .map(|_| now - rng.int(3600, window))
            .collect();
        times.sort_unstable();
        distinct(&mut times);
        let last = times.len() - 1;
        for (i, at) in times.into_iter().enumerate() {
            // The area's trend, traced back from today's list price, with a little noise.
            let price = if i == last {
                list_price
            } else {
                let back = (now - at) as f64 / window as f64;
                let noisy = list_price * (1.0 - city.trend / 100.0 * back) * rng.range(0.99, 1.01);
                (noisy / 100.0).round() * 100.0
            };
            prices.push((at, price));
        }
    }

    let property = DemoProperty {
        property: record,
        contracts,
        contacts,
        reminders,
        prices,
    };
    (property, plan)
}

/// Contracts of a property waiting for them: the first attached when the stage began,
/// at least one still open.
fn waiting_contracts(
    rng: &mut Rng,
    entered: i64,
    now: i64,
    plan: Plan,
    age_days: f64,
) -> Vec<DemoContract> {
    let count = rng.int(1, 3) as usize;
    let first_name = rng.int(0, CONTRACT_NAMES.len() as i64 - 1) as usize;
    (0..count)
        .map(|i| {
            let name = if i == 0 && rng.chance(0.8) {
                CONTRACT_NAMES[0]
            } else {
                CONTRACT_NAMES[(first_name + i) % CONTRACT_NAMES.len()]
            };
            let attached_at = if i == 0 {
                entered
            } else {
                between(entered, now, rng.unit())
            };
            let status = if i == 0 {
                rng.weighted(&[
                    (ContractStatus::Attached, 30),
                    (ContractStatus::Sent, 45),
                    (ContractStatus::Signed, 25),
                ])
            } else {
                rng.weighted(&[
                    (ContractStatus::Attached, 25),
                    (ContractStatus::Sent, 30),
                    (ContractStatus::Signed, 20),
                    (ContractStatus::Completed, 15),
                    (ContractStatus::Cancelled, 10),
                ])
            };
            let mut c = DemoContract {
                name,
                status,
                attached_at,
                sent_at: None,
                signed_at: None,
                completed_at: None,
                cancelled_at: None,
                deadline_at: None,
            };
            if status == ContractStatus::Cancelled {
                c.cancelled_at = Some(between(attached_at, now, rng.range(0.1, 0.9)));
                return c;
            }
            let sent = between(attached_at, now, rng.range(0.05, 0.5));
            let signed = between(sent, now, rng.range(0.1, 0.6));
            let completed = between(signed, now, rng.range(0.1, 0.9));
            c.sent_at = (status != ContractStatus::Attached).then_some(sent);
            c.signed_at = matches!(status, ContractStatus::Signed | ContractStatus::Completed)
                .then_some(signed);
            c.completed_at = (status == ContractStatus::Completed).then_some(completed);
            c.deadline_at = if status == ContractStatus::Completed {
                // A deadline that was met.
                Some(completed + days(rng.range(0.5, 10.0)))
            } else if plan == Plan::BlockedDeadline && i == 0 {
                Some(now - days(rng.range(0.5, (age_days - 1.0).min(10.0))))
            } else {
                // Open and not yet due: none, due within the week, or later.
                match rng.int(0, 9) {
                    0..=2 => None,
                    3..=5 => Some(now + days(rng.range(0.3, 7.0))),
                    _ => Some(now + days(rng.range(8.0, 45.0))),
                }
            };
            c
        })
        .collect()
}

/// Contracts of a complete property: every one completed (or cancelled), the last
/// completion at `entered`.
fn completed_contracts(rng: &mut Rng, entered: i64) -> Vec<DemoContract> {
    let count = rng.int(1, 3) as usize;
    let first = entered - days(rng.range(5.0, 40.0));
    let first_name = rng.int(0, CONTRACT_NAMES.len() as i64 - 1) as usize;
    (0..count)
        .map(|i| {
            let name = if i == 0 {
                CONTRACT_NAMES[0]
            } else {
                CONTRACT_NAMES[(first_name + i) % CONTRACT_NAMES.len()]
            };
            let attached_at = if i == 0 {
                first
            } else {
                between(first, entered, rng.range(0.0, 0.4))
            };
            if i > 0 && rng.chance(0.12) {
                return DemoContract {
                    name,
                    status: ContractStatus::Cancelled,
                    attached_at,
                    sent_at: None,
                    signed_at: None,
                    completed_at: None,
                    cancelled_at: Some(between(attached_at, entered, rng.range(0.2, 0.8))),
                    deadline_at: None,
                };
            }
            let completed = if i == 0 {
                entered
            } else {
                between(attached_at, entered, rng.range(0.3, 1.0))
            };
            let sent = between(attached_at, completed, rng.range(0.05, 0.3));
            DemoContract {
                name,
                status: ContractStatus::Completed,
                attached_at,
                sent_at: Some(sent),
                signed_at: Some(between(sent, completed, rng.range(0.3, 0.9))),
                completed_at: Some(completed),
                cancelled_at: None,
                deadline_at: rng
                    .chance(0.7)
                    .then(|| completed + days(rng.range(0.5, 10.0))),
            }
        })
        .collect()
}

/// A contact known since `since`, with interactions that are recent, cooling, or few.
fn contact(rng: &mut Rng, city: &City, since: i64, now: i64) -> DemoContact {
    let first = rng.pick(FIRST_NAMES);
    let last = rng.pick(LAST_NAMES);
    let known = now - since;
    // A minute before the clock, so making times distinct never pushes one past it.
    let latest = now - 60;
    let mut times: Vec<i64> = if known > days(25.0) && rng.chance(0.4) {
        // Cooling: talked often, then nothing for three weeks or more.
        let from = since.max(now - days(90.0));
        (0..rng.int(3, 6))
            .map(|_| rng.int(from, now - days(21.0)))
            .collect()
    } else if rng.chance(0.7) {
        // Warm: several touches this month, the last one within three days.
        let from = since.max(now - days(30.0));
        let mut t: Vec<i64> = (0..rng.int(1, 4)).map(|_| rng.int(from, latest)).collect();
        t.push(rng.int(since.max(now - days(3.0)), latest));
        t
    } else {
        let from = since.max(now - days(14.0));
        (0..rng.int(1, 2)).map(|_| rng.int(from, latest)).collect()
    };
    times.sort_unstable();
    distinct(&mut times);
    DemoContact {
        name: format!("{first} {last}"),
        email: rng.chance(0.8).then(|| {
            format!(
                "{}.{}@example.com",
                first.to_lowercase(),
                last.to_lowercase()
            )
        }),
        phone: rng
            .chance(0.85)
            .then(|| format!("+1 {} 555 01{:02}", city.area_code, rng.int(0, 99))),
        created_at: since.min(times.first().copied().unwrap_or(since)),
        interactions: times
            .into_iter()
            .map(|at| (at, *rng.pick(INTERACTION_KINDS)))
            .collect(),
    }
}

/// Make sorted times strictly increasing (the store keys on them).
fn distinct(times: &mut [i64]) {
    for i in 1..times.len() {
        if times[i] <= times[i - 1] {
            times[i] = times[i - 1] + 1;
        }
    }
}

/// Saved searches: one per area for the first few areas, more for a bigger portfolio.
pub fn watchlists(count: u32, now: i64) -> Vec<DemoWatchlist> {
    let n = (count / 25).clamp(5, 40) as usize;
    let mut rng = Rng::for_item(SEED ^ 0x0057_4154_4348, 0); // "WATCH"
    (0..n)
        .map(|i| {
            let city = &CITIES[i % CITIES.len()];
            let kind = (i % 3 != 0).then(|| rng.weighted(KINDS));
            let max_price = (city.median_price * rng.range(0.8, 1.3) / 5000.0).round() * 5000.0;
            let min_beds = match kind {
                Some(Kind::Land) => None,
                _ => rng.chance(0.5).then(|| rng.int(2, 4)),
            };
            let beds = min_beds.map(|b| format!(", {b}+ beds")).unwrap_or_default();
            DemoWatchlist {
                name: format!(
                    "{} {} under ${:.0}k{beds}",
                    city.name,
                    kind.map_or("homes", Kind::label),
                    max_price / 1000.0
                ),
                city: Some(city.name.to_string()),
                state: Some(city.state.to_string()),
                zip: (i % 7 == 3).then(|| format!("{:05}", city.zip + rng.int(0, 39) as u32)),
                kind: kind.map(|k| k.as_str().to_string()),
                max_price: Some(max_price),
                min_beds,
                min_score: rng.chance(0.4).then(|| *rng.pick(&[60.0, 70.0])),
                created_at: now - days(rng.range(5.0, 90.0)),
            }
        })
        .collect()
}

/// The team's own reminders, not tied to a property: some due, most recurring.
pub fn team_reminders(now: i64) -> Vec<DemoReminder> {
    let hour = 3600;
    [
        ("Weekly pipeline review", now - 3 * hour, Some("weekly")),
        ("Clear the skip-trace queue", now - 2 * hour, Some("daily")),
        (
            "Re-run comps for watchlist areas",
            now - DAY_SECS,
            Some("every 3d"),
        ),
        (
            "Send the investor update",
            now + 4 * DAY_SECS,
            Some("monthly"),
        ),
        ("Renew the MLS data feed", now - 2 * DAY_SECS, None),
        ("Quarterly portfolio audit", now + 20 * DAY_SECS, None),
    ]
    .into_iter()
    .map(|(title, due_at, recurrence)| DemoReminder {
        title: title.to_string(),
        due_at,
        recurrence,
        created_at: now - 30 * DAY_SECS,
    })
    .collect()
}

/// What the demo wrote, for the summary line and `--json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub properties: u64,
    pub contracts: u64,
    pub contacts: u64,
    pub interactions: u64,
    pub watchlists: u64,
    pub price_points: u64,
    pub reminders: u64,
    pub by_stage: StageCounts,
    pub by_health: HealthCounts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StageCounts {
    pub new: u64,
    pub enriched: u64,
    pub researched: u64,
    pub waiting_for_contracts: u64,
    pub complete: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HealthCounts {
    pub healthy: u64,
    pub stale: u64,
    /// The demo snoozes none; kept out of its document while so.
    #[serde(skip_serializing_if = "is_zero")]
    pub snoozed: u64,
    pub blocked: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Counts {
    pub fn add(&mut self, p: &DemoProperty, stale: &StaleDays, now: i64) {
        let (stage, health) = stage_and_health(p, stale, now);
        self.properties += 1;
        self.contracts += p.contracts.len() as u64;
        self.contacts += p.contacts.len() as u64;
        self.interactions += p
            .contacts
            .iter()
            .map(|c| c.interactions.len() as u64)
            .sum::<u64>();
        self.price_points += p.prices.len() as u64;
        self.reminders += p.reminders.len() as u64;
        *match stage {
            Stage::New => &mut self.by_stage.new,
            Stage::Enriched => &mut self.by_stage.enriched,
            Stage::Researched => &mut self.by_stage.researched,
            Stage::WaitingForContracts => &mut self.by_stage.waiting_for_contracts,
            Stage::Complete => &mut self.by_stage.complete,
        } += 1;
        *match health {
            Health::Healthy => &mut self.by_health.healthy,
            Health::Stale => &mut self.by_health.stale,
            Health::Snoozed => &mut self.by_health.snoozed,
            Health::Blocked => &mut self.by_health.blocked,
        } += 1;
    }
}

/// Stage and health at `now`, by the pipeline's rules (the same the heartbeat applies).
pub fn stage_and_health(p: &DemoProperty, stale: &StaleDays, now: i64) -> (Stage, Health) {
    let derived = p.derived();
    let blocked = p.property.blocked_reason.is_some()
        || p.contracts
            .iter()
            .any(|c| pipeline::deadline_missed(c.status, c.deadline_at, now));
    let health = pipeline::health(
        blocked,
        derived.stage,
        derived.stage_entered_at,
        p.property.snoozed_until,
        stale,
        now,
    );
    (derived.stage, health)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_608_000; // 2026-11-25T12:00:00Z

    #[test]
    fn rng_is_repeatable_and_in_range() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..1000 {
            assert_eq!(a.next_u64(), b.next_u64());
            let u = a.unit();
            assert!((0.0..1.0).contains(&u));
            b.unit();
            let i = a.int(3, 5);
            assert!((3..=5).contains(&i));
            b.int(3, 5);
        }
        assert_ne!(
            Rng::for_item(SEED, 1).next_u64(),
            Rng::for_item(SEED, 2).next_u64()
        );
    }

    #[test]
    fn same_inputs_same_portfolio() {
        let a: Vec<_> = properties(200, NOW, StaleDays::default()).collect();
        let b: Vec<_> = properties(200, NOW, StaleDays::default()).collect();
        assert_eq!(a, b);
        // A property does not depend on how many others there are.
        let c: Vec<_> = properties(50, NOW, StaleDays::default()).collect();
        assert_eq!(a[..50], c[..]);
        assert_eq!(watchlists(500, NOW), watchlists(500, NOW));
    }

    #[test]
    fn health_follows_the_plan() {
        let stale = StaleDays::default();
        for id in 1..=5000 {
            let (p, plan) = property(id, NOW, &stale);
            let (_, health) = stage_and_health(&p, &stale, NOW);
            let want = match plan {
                Plan::Healthy => Health::Healthy,
                Plan::Stale => Health::Stale,
                Plan::BlockedReason | Plan::BlockedDeadline => Health::Blocked,
            };
            assert_eq!(health, want, "property {id} planned {plan:?}: {p:#?}");
        }
    }

    #[test]
    fn facts_are_in_order_and_in_the_past() {
        let stale = StaleDays::default();
        for p in properties(5000, NOW, stale) {
            let r = &p.property;
            let id = r.id;
            let steps: Vec<i64> = [Some(r.created_at), r.enriched_at, r.skip_traced_at]
                .into_iter()
                .flatten()
                .collect();
            assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{id:?}: {steps:?}");
            assert!(steps.iter().all(|&t| t <= NOW), "{id:?}");
            for c in &p.contracts {
                assert!(
                    r.skip_traced_at.is_some_and(|s| s <= c.attached_at),
                    "{id:?}"
                );
                let events: Vec<i64> =
                    [Some(c.attached_at), c.sent_at, c.signed_at, c.completed_at]
                        .into_iter()
                        .flatten()
                        .collect();
                assert!(events.windows(2).all(|w| w[0] <= w[1]), "{id:?}: {c:?}");
                assert!(events.iter().all(|&t| t <= NOW), "{id:?}: {c:?}");
                if let Some(deadline) = c.deadline_at {
                    assert!(deadline > c.attached_at, "{id:?}: {c:?}");
                }
            }
            assert!(p.prices.windows(2).all(|w| w[0].0 < w[1].0), "{id:?}");
            for contact in &p.contacts {
                let times: Vec<i64> = contact.interactions.iter().map(|i| i.0).collect();
                assert!(times.windows(2).all(|w| w[0] < w[1]), "{id:?}");
                assert!(times.iter().all(|&t| t >= contact.created_at && t <= NOW));
            }
        }
    }

    #[test]
    fn a_small_demo_shows_every_stage_and_health() {
        let stale = StaleDays::default();
        let mut counts = Counts::default();
        let mut pairs = std::collections::HashSet::new();
        for p in properties(300, NOW, stale) {
            counts.add(&p, &stale, NOW);
            pairs.insert(stage_and_health(&p, &stale, NOW));
        }
        let s = &counts.by_stage;
        let h = &counts.by_health;
        for n in [
            s.new,
            s.enriched,
            s.researched,
            s.waiting_for_contracts,
            s.complete,
        ] {
            assert!(n > 0, "{counts:?}");
        }
        assert!(h.healthy > 0 && h.stale > 0 && h.blocked > 0, "{counts:?}");
        // Every stage but complete shows each health.
        for stage in [
            Stage::New,
            Stage::Enriched,
            Stage::Researched,
            Stage::WaitingForContracts,
        ] {
            for health in [Health::Healthy, Health::Stale, Health::Blocked] {
                assert!(pairs.contains(&(stage, health)), "{stage:?} {health:?}");
            }
        }
        assert!(counts.contracts > 0 && counts.contacts > 0 && counts.interactions > 0);
        assert!(
            counts.price_points > 0 && counts.reminders > 0,
            "{counts:?}"
        );
    }
}
