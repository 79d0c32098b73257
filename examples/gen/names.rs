//! Name pools and text banks. Everything here is invented or generic.
//!
//! Names come from pools of many origins, and every candidate — fraud or honest, whatever the
//! claimed country — draws from the same pools with the same weights, so name origin carries
//! no information about the label. Persona-specific name *variants* (Steven/Stephen, nicknames,
//! transliterations, family-name-first order) are derived from whatever name was drawn.

use super::rng::Rng;

pub struct Origin {
    pub first: &'static [&'static str],
    pub last: &'static [&'static str],
}

#[rustfmt::skip]
pub const ORIGINS: &[Origin] = &[
    Origin {
        first: &[
            "James", "Mary", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
            "David", "Susan", "Steven", "Sarah", "Kyle", "Jessica", "Andrew", "Emily", "Anthony",
            "Katherine", "John", "Joshua",
        ],
        last: &[
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
            "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Thompson", "White", "Harris",
        ],
    },
    Origin {
        first: &[
            "José", "María", "Carlos", "Lucía", "Juan", "Sofía", "Luis", "Valentina", "Diego",
            "Camila", "Javier", "Isabel", "Miguel", "Paula", "Andrés", "Elena",
        ],
        last: &[
            "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez",
            "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Morales",
            "Ortiz",
        ],
    },
    Origin {
        first: &[
            "Wei", "Fang", "Jing", "Lei", "Min", "Yan", "Jun", "Li", "Hao", "Xin", "Yu", "Ming",
            "Tao", "Hui", "Qiang", "Ling",
        ],
        last: &[
            "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu",
            "Sun", "Ma", "Zhu", "Hu", "Guo",
        ],
    },
    Origin {
        first: &[
            "Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Soo-ah", "Jae-won", "Yu-na",
            "Hyun-woo", "Ji-woo", "Sung-min", "Eun-ji", "Tae-yang", "Da-eun", "Joon-young",
            "Hye-jin",
        ],
        last: &[
            "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han",
            "Oh", "Seo", "Shin", "Kwon", "Hwang",
        ],
    },
    Origin {
        first: &[
            "Haruto", "Yui", "Sota", "Hina", "Yuto", "Aoi", "Ren", "Sakura", "Takumi", "Mei",
            "Kenji", "Yuki", "Daiki", "Riko", "Hiroshi", "Kaito",
        ],
        last: &[
            "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
            "Kobayashi", "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue",
        ],
    },
    Origin {
        first: &[
            "Minh", "Linh", "Anh", "Trang", "Duc", "Huong", "Quang", "Mai", "Tuan", "Thao",
            "Hieu", "Lan", "Khanh", "Ngoc", "Long", "Phuong",
        ],
        last: &[
            "Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Vo", "Dang", "Bui",
            "Do", "Ho", "Ngo", "Duong", "Ly",
        ],
    },
    Origin {
        first: &[
            "Aarav", "Priya", "Rahul", "Ananya", "Vikram", "Sneha", "Arjun", "Kavya", "Rohan",
            "Divya", "Karthik", "Meera", "Sanjay", "Pooja", "Aditya", "Neha",
        ],
        last: &[
            "Sharma", "Patel", "Iyer", "Reddy", "Gupta", "Nair", "Singh", "Kumar", "Rao", "Mehta",
            "Joshi", "Das", "Menon", "Verma", "Bose", "Pillai",
        ],
    },
    Origin {
        first: &[
            "Jakub", "Zofia", "Łukasz", "Katarzyna", "Piotr", "Agnieszka", "Mateusz", "Magdalena",
            "Krzysztof", "Aleksandra", "Tomasz", "Joanna", "Grzegorz", "Małgorzata", "Wojciech",
            "Barbara",
        ],
        last: &[
            "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
            "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
            "Krawczyk", "Grzybowski",
        ],
    },
    Origin {
        first: &[
            "Oleksandr", "Olena", "Dmytro", "Iryna", "Andriy", "Natalia", "Serhii", "Tetiana",
            "Yuriy", "Oksana", "Mykola", "Svitlana", "Aleksandr", "Anastasia", "Sergey",
            "Ekaterina",
        ],
        last: &[
            "Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boyko",
            "Ivanov", "Petrov", "Sokolov", "Morozov", "Volkov", "Savchenko", "Lysenko",
            "Marchenko", "Pavlenko",
        ],
    },
    Origin {
        first: &[
            "Lukas", "Anna", "Jonas", "Lena", "Felix", "Marie", "Max", "Sophie", "Daan", "Emma",
            "Niels", "Femke", "Tobias", "Julia", "Jan", "Lotte",
        ],
        last: &[
            "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
            "de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Hoffmann", "Schulz",
        ],
    },
    Origin {
        first: &[
            "Louis", "Camille", "Hugo", "Chloé", "Théo", "Manon", "Nathan", "Léa", "Antoine",
            "Inès", "Julien", "Margaux", "Baptiste", "Clara", "Mathieu", "Élodie",
        ],
        last: &[
            "Bernard", "Dubois", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre",
            "Michel", "Garnier", "Faure", "Rousseau", "Blanc", "Girard", "Bonnet", "Fontaine",
        ],
    },
    Origin {
        first: &[
            "Chinedu", "Ngozi", "Oluwaseun", "Adaeze", "Emeka", "Folake", "Tunde", "Chiamaka",
            "Ibrahim", "Aisha", "Obinna", "Funmilayo", "Segun", "Amara", "Yusuf", "Ifeoma",
        ],
        last: &[
            "Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Nwosu", "Ogunleye", "Bello",
            "Abubakar", "Adebayo", "Chukwu", "Okoye", "Afolabi", "Ibekwe", "Lawal", "Onyekachi",
        ],
    },
    Origin {
        first: &[
            "Omar", "Fatima", "Ahmed", "Layla", "Mohammed", "Noor", "Khalid", "Mariam", "Yousef",
            "Huda", "Tariq", "Salma", "Hassan", "Rania", "Karim", "Amira",
        ],
        last: &[
            "Haddad", "Al-Sayed", "Khalil", "Nasser", "Mansour", "Hamdan", "Saleh", "Aziz",
            "Farouk", "Qasim", "Rahman", "Darwish", "Haidar", "Bakr", "Suleiman", "Jaber",
        ],
    },
    Origin {
        first: &[
            "Mark", "Angelica", "Paolo", "Kristine", "Carlo", "Jasmine", "Rafael", "Bea",
            "Miguel", "Patricia", "Joshua", "Nicole", "Renz", "Andrea", "Gabriel", "Camille",
        ],
        last: &[
            "Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Mendoza", "Dela Cruz", "Villanueva",
            "Ramos", "Aquino", "Castillo", "Navarro", "Salazar", "Fernandez", "Tolentino",
            "Garcia",
        ],
    },
    Origin {
        first: &[
            "João", "Ana", "Pedro", "Beatriz", "Lucas", "Mariana", "Gabriel", "Larissa", "Rafael",
            "Fernanda", "Thiago", "Juliana", "Felipe", "Camila", "Bruno", "Letícia",
        ],
        last: &[
            "Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Ferreira",
            "Almeida", "Carvalho", "Ribeiro", "Rocha", "Barbosa", "Araújo", "Cardoso", "Mendes",
        ],
    },
    Origin {
        first: &[
            "Somchai", "Siriporn", "Arif", "Nurul", "Budi", "Siti", "Ahmad", "Dewi", "Anan",
            "Kanya", "Hafiz", "Putri", "Rizky", "Intan", "Wira", "Ayu",
        ],
        last: &[
            "Wijaya", "Santoso", "Hidayat", "Saputra", "Kusuma", "Pratama", "Ismail", "Abdullah",
            "Tan", "Lim", "Boonmee", "Srisuk", "Chaiyasit", "Saetang", "Rattanakorn", "Halim",
        ],
    },
];

/// A person's name as drawn from one origin pool.
#[derive(Clone, Debug)]
pub struct Name {
    pub first: String,
    pub last: String,
}

impl Name {
    pub fn full(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
}

/// The same draw for everyone: origin first (English-language names a little more common),
/// then first and last name from that origin.
pub fn draw_name(rng: &mut Rng) -> Name {
    let weights: Vec<f64> = (0..ORIGINS.len())
        .map(|i| if i == 0 { 3.0 } else { 1.0 })
        .collect();
    let o = &ORIGINS[rng.weighted(&weights)];
    Name {
        first: (rng.choose(o.first)).to_owned(),
        last: (rng.choose(o.last)).to_owned(),
    }
}

/// A first name from the same pools (for household members sharing a surname).
pub fn draw_first(rng: &mut Rng) -> String {
    draw_name(rng).first
}

const NICKNAMES: &[(&str, &str)] = &[
    ("Robert", "Bob"),
    ("William", "Bill"),
    ("Michael", "Mike"),
    ("James", "Jim"),
    ("Elizabeth", "Liz"),
    ("Jennifer", "Jen"),
    ("Andrew", "Andy"),
    ("Katherine", "Kate"),
    ("Joshua", "Josh"),
    ("Anthony", "Tony"),
    ("Steven", "Steve"),
    ("Aleksandr", "Sasha"),
    ("Mohammed", "Mo"),
    ("Alexandra", "Alex"),
    ("Nathan", "Nate"),
];

const TRANSLITERATIONS: &[(&str, &str)] = &[
    ("Oleksandr", "Aleksandr"),
    ("Serhii", "Sergey"),
    ("Yuriy", "Yuri"),
    ("Dmytro", "Dmitry"),
    ("Andriy", "Andrey"),
    ("Olena", "Elena"),
    ("Tetiana", "Tatiana"),
    ("Mohammed", "Muhammad"),
    ("Yousef", "Yusuf"),
    ("Łukasz", "Lukasz"),
    ("Małgorzata", "Malgorzata"),
    ("José", "Jose"),
    ("João", "Joao"),
    ("Min-jun", "Minjun"),
    ("Seo-yeon", "Seoyeon"),
];

const SPELLINGS: &[(&str, &str)] = &[
    ("Steven", "Stephen"),
    ("Katherine", "Catherine"),
    ("Sarah", "Sara"),
    ("John", "Jon"),
    ("Jessica", "Jesica"),
    ("Lukas", "Lucas"),
    ("Mariam", "Maryam"),
];

fn lookup(table: &[(&str, &str)], name: &str) -> Option<String> {
    table.iter().find_map(|(a, b)| {
        if *a == name {
            Some((*b).to_owned())
        } else if *b == name {
            Some((*a).to_owned())
        } else {
            None
        }
    })
}

/// A harmless variant of a name as a person might write it elsewhere (nickname,
/// transliteration, family-name-first order, upper case on a document).
pub fn benign_variant(name: &Name, rng: &mut Rng) -> String {
    if let Some(n) = lookup(NICKNAMES, &name.first) {
        return format!("{n} {}", name.last);
    }
    if let Some(t) = lookup(TRANSLITERATIONS, &name.first) {
        return format!("{t} {}", name.last);
    }
    if rng.chance(0.5) {
        format!("{} {}", name.last.to_uppercase(), name.first.to_uppercase())
    } else {
        format!("{} {}", name.last, name.first)
    }
}

/// A one-letter-ish spelling change of a first name (Steven → Stephen), for the Kraken-style
/// document name. Works on a name from any origin.
pub fn spelling_variant(first: &str) -> String {
    if let Some(v) = lookup(SPELLINGS, first) {
        return v;
    }
    let rules: &[(&str, &str)] = &[
        ("ph", "f"),
        ("v", "ph"),
        ("k", "c"),
        ("c", "k"),
        ("y", "i"),
        ("ie", "y"),
        ("ee", "i"),
        ("oo", "u"),
        ("th", "t"),
        ("a", "e"),
    ];
    // Keep the first letter so the name still "looks like" the original.
    let start = first.chars().next().map_or(0, char::len_utf8);
    for (from, to) in rules {
        if let Some(pos) = first[start..].find(from).map(|p| p + start) {
            let mut s = String::new();
            s.push_str(&first[..pos]);
            s.push_str(to);
            s.push_str(&first[pos + from.len()..]);
            return s;
        }
    }
    format!("{first}e")
}

pub const STREETS: &[&str] = &[
    "Maple",
    "Cedar",
    "Oak",
    "Lakeview",
    "Hillcrest",
    "Willow",
    "Sunset",
    "Riverside",
    "Park",
    "Elm",
    "Chestnut",
    "Meadow",
    "Harbor",
    "Orchard",
    "Pine",
    "Birch",
    "Summit",
    "Valley",
    "Spring",
    "Forest",
    "Granite",
    "Juniper",
];
pub const STREET_KINDS: &[&str] = &["Street", "Avenue", "Road", "Lane", "Drive", "Way"];

pub const UA_WIN_CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
pub const UA_WIN_EDGE: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0";
pub const UA_MAC_CHROME: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
pub const UA_MAC_SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15";
pub const UA_LINUX_FF: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:141.0) Gecko/20100101 Firefox/141.0";
pub const UA_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1";
pub const UA_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36";

pub const DESKTOP_UAS: &[&str] = &[
    UA_WIN_CHROME,
    UA_WIN_EDGE,
    UA_MAC_CHROME,
    UA_MAC_SAFARI,
    UA_LINUX_FF,
];
pub const MOBILE_UAS: &[&str] = &[UA_IPHONE, UA_ANDROID];

pub const POSITIONS: &[&str] = &[
    "Senior Backend Engineer",
    "Full-Stack Developer",
    "DevOps Engineer",
    "Site Reliability Engineer",
    "Mobile Developer (iOS)",
    "Data Engineer",
    "Frontend Engineer",
    "Blockchain Developer",
    "Systems Administrator",
    "Machine Learning Engineer",
    "QA Automation Engineer",
    "Security Engineer",
];

pub const ROLES: &[&str] = &[
    "Backend engineer",
    "Full-stack developer",
    "Software engineer",
    "DevOps engineer",
    "Platform engineer",
    "Mobile developer",
    "Data engineer",
    "Frontend developer",
    "Systems administrator",
    "Smart-contract developer",
];

pub const TECH: &[&str] = &[
    "Rust",
    "Go",
    "Python",
    "TypeScript",
    "React",
    "Node.js",
    "Kubernetes",
    "Terraform",
    "AWS",
    "GCP",
    "PostgreSQL",
    "Kafka",
    "Java",
    "Kotlin",
    "Swift",
    "Solidity",
    "Django",
    "Vue",
    "Redis",
    "gRPC",
    "Spark",
    "Airflow",
    "C++",
    "Elixir",
];

pub const EMPLOYERS: &[&str] = &[
    "Bluefin Analytics",
    "Northgate Systems",
    "Cobalt Ridge Software",
    "Harborlight Labs",
    "Quillstone Payments",
    "Tessellate Health",
    "Brightwater Logistics",
    "Ironbark Security",
    "Lumen Orchard",
    "Pinecrest Media",
    "Saltmarsh Robotics",
    "Vantage Loop",
    "Copperleaf Finance",
    "Driftwood Games",
    "Kestrel Cloud",
    "Mosaic Retail Group",
];

pub const SCHOOLS: &[&str] = &[
    "a state university",
    "a technical university",
    "a polytechnic institute",
    "a national university",
    "an online degree program",
    "a coding bootcamp",
    "a community college",
];

pub const PROJECT_VERBS: &[&str] = &[
    "built",
    "led",
    "migrated",
    "rewrote",
    "maintained",
    "scaled",
    "designed",
    "shipped",
];

pub const PROJECTS: &[&str] = &[
    "a billing service",
    "the CI pipeline",
    "an internal search tool",
    "a mobile checkout flow",
    "a data warehouse",
    "the observability stack",
    "a feature-flag service",
    "an event-streaming platform",
    "a customer analytics dashboard",
    "an authentication service",
    "a recommendation engine",
    "the deployment tooling",
    "a payments reconciliation job",
    "an offline-first sync layer",
    "a GraphQL gateway",
    "a fraud-scoring model",
];

pub const DEGREES: &[&str] = &[
    "BSc in Computer Science",
    "BEng in Software Engineering",
    "MSc in Computer Science",
    "BSc in Mathematics",
    "BA in Information Systems",
    "MEng in Electrical Engineering",
];

pub const HONEST_NOTES: &[&str] = &[
    "Clear answers on system design.",
    "Asked good questions about on-call.",
    "Audio dropped briefly; reconnected on the same device.",
    "Solid coding round, a bit slow on the second task.",
    "Friendly, relaxed; talked about a side project.",
    "Background noise from a cafe, moved to a quieter room.",
    "Strong on databases, weaker on networking.",
    "Wants to start after a notice period of four weeks.",
    "Said \"happy to relocate\" if needed, but prefers remote.",
    "Good culture fit, references to follow.\nFollow-up: send take-home.",
    "Discussed salary range, no concerns.",
    "",
    "",
    "",
];

pub const FRAUD_NOTES: &[&str] = &[
    "Long pauses before answers; seemed to be reading.",
    "Background chatter, several voices.",
    "Same answer given to two different questions.",
    "Asked to be paid in USDT at a flat rate.",
    "Offered to work any hours, very flexible.",
    "Headset, default virtual background.",
    "Could not describe recent projects in detail.",
    "",
    "",
];

/// Web3-flavoured GitHub handle prefixes; used by fraud and honest alike.
pub const HANDLE_PREFIXES: &[&str] = &["0x", "sol", "dev"];
