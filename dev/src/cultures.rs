//! Naming cultures: given names (male, female) and surnames, some with their Hangul, Han or
//! Cyrillic spelling, and the order a culture writes a name in; `Culture::person` draws a person.

use crate::rng::Rng;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Given names, then surname.
    Western,
    /// Surname first (Vietnamese); the document splits it the same way.
    SurnameFirst,
    /// Either order, as people from East Asia write their name on Western forms.
    Either,
    /// Given names and two surnames; the first surname alone in half of the declared names.
    Hispanic,
    /// Western, with the feminine form of `-ski`/`-cki` surnames.
    Polish,
}

pub(crate) struct Culture {
    /// `Latin` or `Latin|native script`.
    male: &'static [&'static str],
    female: &'static [&'static str],
    surnames: &'static [&'static str],
    order: Order,
    /// Chance of a second given name, in percent.
    middle: u64,
}

pub(crate) struct Person {
    pub(crate) full_name: String,
    pub(crate) given: String,
    pub(crate) surname: String,
    pub(crate) other_names: Vec<String>,
}

fn split(entry: &str) -> (&str, Option<&str>) {
    match entry.split_once('|') {
        Some((latin, native)) => (latin, Some(native)),
        None => (entry, None),
    }
}

impl Culture {
    pub(crate) fn person(&self, rng: &mut Rng, sex: &str) -> Person {
        let names = match sex {
            "M" => self.male,
            "F" => self.female,
            _ if rng.percent(50) => self.male,
            _ => self.female,
        };
        let (first, first_native) = split(rng.pick(names));
        let mut given = first.to_owned();
        if rng.percent(self.middle) {
            let (second, _) = split(rng.pick(names));
            if second != first {
                given = format!("{first} {second}");
            }
        }
        let (surname, surname_native) = split(rng.pick(self.surnames));
        let mut surname = surname.to_owned();
        if self.order == Order::Polish && sex == "F" {
            for (masculine, feminine) in [("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")] {
                if let Some(stem) = surname.strip_suffix(masculine) {
                    surname = format!("{stem}{feminine}");
                    break;
                }
            }
        }
        let mut full_name = match self.order {
            Order::SurnameFirst => format!("{surname} {given}"),
            Order::Either if rng.percent(40) => format!("{surname} {given}"),
            _ => format!("{given} {surname}"),
        };
        if self.order == Order::Hispanic {
            let (second, _) = split(rng.pick(self.surnames));
            if second != surname {
                surname = format!("{surname} {second}");
                if rng.percent(50) {
                    full_name = format!("{given} {surname}");
                }
            }
        }
        let mut other_names = Vec::new();
        if let (Some(g), Some(s)) = (first_native, surname_native)
            && rng.percent(60)
        {
            // Hangul and Han are written surname first without a space; Cyrillic as Latin.
            let native = if g.chars().any(char::is_lowercase) {
                format!("{g} {s}")
            } else {
                format!("{s}{g}")
            };
            other_names.push(native);
        }
        Person {
            full_name,
            given,
            surname,
            other_names,
        }
    }
}

#[rustfmt::skip]
pub(crate) static ANGLO: Culture = Culture {
    male: &[
        "James", "John", "Michael", "David", "Robert", "William", "Daniel", "Matthew",
        "Christopher", "Andrew", "Joshua", "Ryan", "Tyler", "Brandon", "Kevin", "Jason", "Ethan",
        "Nathan", "Benjamin", "Samuel", "Thomas", "Jacob", "Aaron", "Patrick",
    ],
    female: &[
        "Emily", "Sarah", "Jessica", "Ashley", "Jennifer", "Amanda", "Megan", "Lauren", "Rachel",
        "Hannah", "Olivia", "Emma", "Madison", "Chloe", "Samantha", "Katherine", "Abigail", "Grace",
        "Natalie", "Victoria", "Rebecca", "Elizabeth", "Charlotte", "Amelia",
    ],
    surnames: &[
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
        "Taylor", "Thomas", "Moore", "Martin", "Thompson", "White", "Harris", "Clark", "Lewis",
        "Walker", "Hall", "Young", "Allen", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
        "Carter", "Mitchell", "Campbell", "Roberts", "Evans", "Turner", "Collins", "Murphy",
        "Cooper", "Reed", "Bailey", "Kelly", "Hughes", "Edwards", "Wood", "Robinson", "Foster",
        "Sullivan", "Fletcher", "Morgan",
    ],
    order: Order::Western,
    middle: 30,
};

#[rustfmt::skip]
pub(crate) static HISPANIC: Culture = Culture {
    male: &[
        "José", "Juan", "Carlos", "Luis", "Miguel", "Jorge", "Alejandro", "Diego", "Javier",
        "Fernando", "Andrés", "Santiago", "Mateo", "Pablo", "Ricardo", "Sergio", "Emilio", "Tomás",
    ],
    female: &[
        "María", "Ana", "Lucía", "Sofía", "Valentina", "Camila", "Isabella", "Gabriela", "Daniela",
        "Paula", "Carmen", "Laura", "Mariana", "Fernanda", "Elena", "Andrea", "Ximena", "Renata",
    ],
    surnames: &[
        "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez",
        "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Morales", "Ortiz", "Castillo",
        "Jiménez", "Ruiz", "Vargas", "Romero", "Navarro", "Molina", "Herrera", "Medina", "Castro",
        "Suárez", "Aguilar",
    ],
    order: Order::Hispanic,
    middle: 35,
};

#[rustfmt::skip]
pub(crate) static GERMAN: Culture = Culture {
    male: &[
        "Lukas", "Maximilian", "Felix", "Jonas", "Leon", "Paul", "Tobias", "Florian", "Sebastian",
        "Moritz", "Jan", "Niklas", "Stefan", "Matthias", "Jürgen", "Philipp",
    ],
    female: &[
        "Anna", "Lena", "Laura", "Julia", "Lea", "Hannah", "Sophie", "Katharina", "Johanna",
        "Miriam", "Sabine", "Franziska", "Charlotte", "Clara", "Jana", "Birgit",
    ],
    surnames: &[
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
        "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
        "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner", "Krause",
    ],
    order: Order::Western,
    middle: 15,
};

#[rustfmt::skip]
pub(crate) static FRENCH: Culture = Culture {
    male: &[
        "Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Nathan", "Théo", "Antoine",
        "Mathieu", "Nicolas", "Julien", "Baptiste", "Guillaume", "Rémi", "Étienne",
    ],
    female: &[
        "Camille", "Chloé", "Léa", "Manon", "Inès", "Jade", "Louise", "Juliette", "Clémence",
        "Élodie", "Margaux", "Pauline", "Amélie", "Céline", "Océane", "Mathilde",
    ],
    surnames: &[
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garnier", "Faure", "Rousseau", "Blanc",
        "Girard", "Mercier", "Fontaine", "Chevalier",
    ],
    order: Order::Western,
    middle: 20,
};

#[rustfmt::skip]
pub(crate) static ITALIAN: Culture = Culture {
    male: &[
        "Alessandro", "Lorenzo", "Matteo", "Leonardo", "Francesco", "Andrea", "Marco", "Luca",
        "Giuseppe", "Davide", "Federico", "Riccardo", "Simone", "Stefano",
    ],
    female: &[
        "Giulia", "Chiara", "Francesca", "Martina", "Sara", "Alessia", "Giorgia", "Elisa",
        "Federica", "Valentina", "Beatrice", "Aurora", "Silvia", "Elena",
    ],
    surnames: &[
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
        "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
        "Lombardi", "Moretti", "Barbieri", "Fontana",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
pub(crate) static DUTCH: Culture = Culture {
    male: &[
        "Daan", "Sem", "Lars", "Thijs", "Bram", "Ruben", "Jesse", "Stijn", "Jeroen", "Joost",
        "Pieter", "Sander",
    ],
    female: &[
        "Emma", "Julia", "Sanne", "Lotte", "Fleur", "Anouk", "Femke", "Iris", "Eva", "Lisa",
        "Marloes", "Noor",
    ],
    surnames: &[
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
        "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
        "van Leeuwen", "Dekker", "Brouwer",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
pub(crate) static POLISH: Culture = Culture {
    male: &[
        "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Kamil", "Łukasz",
        "Mateusz", "Adam", "Grzegorz", "Bartosz", "Wojciech",
    ],
    female: &[
        "Anna", "Katarzyna", "Magdalena", "Agnieszka", "Joanna", "Aleksandra", "Monika", "Natalia",
        "Karolina", "Zuzanna", "Weronika", "Ewa", "Małgorzata", "Marta",
    ],
    surnames: &[
        "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
        "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
        "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Zawadzki", "Sadowski",
    ],
    order: Order::Polish,
    middle: 10,
};

#[rustfmt::skip]
pub(crate) static ROMANIAN: Culture = Culture {
    male: &[
        "Andrei", "Alexandru", "Mihai", "Ionuț", "Cristian", "Florin", "Adrian", "Bogdan", "Răzvan",
        "Vlad", "Gabriel", "Ștefan",
    ],
    female: &[
        "Maria", "Elena", "Ioana", "Andreea", "Alexandra", "Cristina", "Mihaela", "Diana", "Raluca",
        "Roxana", "Bianca", "Alina",
    ],
    surnames: &[
        "Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Rusu", "Munteanu",
        "Constantin", "Matei", "Ciobanu", "Marin", "Tudor", "Dobre", "Barbu", "Nistor", "Florea",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
pub(crate) static UKRAINIAN: Culture = Culture {
    male: &[
        "Oleksandr|Олександр", "Andriy|Андрій", "Dmytro|Дмитро", "Serhiy|Сергій", "Mykola|Микола",
        "Volodymyr|Володимир", "Yuriy|Юрій", "Taras|Тарас", "Bohdan|Богдан", "Ivan|Іван",
        "Maksym|Максим", "Oleh|Олег",
    ],
    female: &[
        "Olena|Олена", "Iryna|Ірина", "Nataliya|Наталія", "Oksana|Оксана", "Tetiana|Тетяна",
        "Yulia|Юлія", "Kateryna|Катерина", "Anastasiya|Анастасія", "Sofiya|Софія",
        "Viktoriya|Вікторія", "Daryna|Дарина", "Halyna|Галина",
    ],
    surnames: &[
        "Shevchenko|Шевченко", "Kovalenko|Коваленко", "Bondarenko|Бондаренко", "Tkachenko|Ткаченко",
        "Kravchenko|Кравченко", "Melnyk|Мельник", "Boyko|Бойко", "Koval|Коваль", "Oliynyk|Олійник",
        "Lysenko|Лисенко", "Moroz|Мороз", "Marchenko|Марченко", "Savchenko|Савченко",
        "Rudenko|Руденко", "Petrenko|Петренко", "Polishchuk|Поліщук",
    ],
    order: Order::Western,
    middle: 0,
};

#[rustfmt::skip]
pub(crate) static LUSOPHONE: Culture = Culture {
    male: &[
        "João", "Pedro", "Lucas", "Gabriel", "Rafael", "Gustavo", "Felipe", "Bruno", "Thiago",
        "Rodrigo", "Diego", "Vinícius", "Tiago", "Rui",
    ],
    female: &[
        "Ana", "Beatriz", "Mariana", "Juliana", "Camila", "Larissa", "Fernanda", "Letícia",
        "Amanda", "Bruna", "Inês", "Carolina", "Patrícia", "Joana",
    ],
    surnames: &[
        "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida",
        "Nascimento", "Lima", "Araújo", "Fernandes", "Carvalho", "Gomes", "Martins", "Rocha",
        "Ribeiro", "Alves", "Monteiro", "Mendes", "Barbosa", "Ferreira",
    ],
    order: Order::Western,
    middle: 30,
};

#[rustfmt::skip]
pub(crate) static SWEDISH: Culture = Culture {
    male: &[
        "Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Nils", "Oskar", "Gustav", "Axel",
        "Viktor", "Henrik",
    ],
    female: &[
        "Anna", "Maria", "Karin", "Sara", "Emma", "Elin", "Ida", "Linnea", "Maja", "Ebba", "Frida",
        "Ingrid",
    ],
    surnames: &[
        "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
        "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindström", "Bergström",
        "Lundqvist",
    ],
    order: Order::Western,
    middle: 20,
};

#[rustfmt::skip]
pub(crate) static INDIAN: Culture = Culture {
    male: &[
        "Rahul", "Amit", "Arjun", "Vikram", "Rohan", "Sanjay", "Aditya", "Karthik", "Pranav",
        "Siddharth", "Anand", "Rajesh", "Suresh", "Vivek", "Nikhil", "Manoj",
    ],
    female: &[
        "Priya", "Ananya", "Divya", "Pooja", "Neha", "Kavya", "Shreya", "Aishwarya", "Lakshmi",
        "Meera", "Sneha", "Deepika", "Anjali", "Ritu",
    ],
    surnames: &[
        "Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Rao", "Mehta",
        "Joshi", "Desai", "Verma", "Chatterjee", "Banerjee", "Pillai", "Menon", "Agarwal", "Shah",
        "Kulkarni", "Bhat", "Das",
    ],
    order: Order::Western,
    middle: 5,
};

#[rustfmt::skip]
pub(crate) static FILIPINO: Culture = Culture {
    male: &[
        "Jose", "Mark", "John Paul", "Christian", "Joshua", "Angelo", "Carlo", "Paolo", "Rafael",
        "Jerome", "Ramon", "Miguel",
    ],
    female: &[
        "Maria", "Kristine", "Angelica", "Joy", "Camille", "Jasmine", "Patricia", "Andrea",
        "Nicole", "Princess", "Rowena", "Maricel",
    ],
    surnames: &[
        "Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres", "Tomas",
        "Andrada", "Castillo", "Flores", "Villanueva", "Ramos", "Castro", "Rivera", "Aquino",
        "Navarro", "Dela Cruz", "Soriano",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
pub(crate) static VIETNAMESE: Culture = Culture {
    male: &[
        "Văn An", "Minh Tuấn", "Đức Anh", "Quang Huy", "Hoàng Long", "Văn Hùng", "Thanh Tùng",
        "Minh Khoa", "Quốc Bảo", "Trung Kiên",
    ],
    female: &[
        "Thị Lan", "Thu Trang", "Ngọc Anh", "Thị Hương", "Phương Linh", "Thanh Hà", "Minh Châu",
        "Bảo Ngọc", "Thị Mai", "Hồng Nhung",
    ],
    surnames: &[
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
        "Hồ", "Ngô", "Dương", "Lý",
    ],
    order: Order::SurnameFirst,
    middle: 0,
};

#[rustfmt::skip]
pub(crate) static CHINESE: Culture = Culture {
    male: &[
        "Wei|伟", "Hao|浩", "Jun|俊", "Lei|磊", "Tao|涛", "Ming|明", "Jie|杰", "Yang|阳", "Bo|博", "Chen|晨",
        "Zhiwei|志伟", "Haoran|浩然",
    ],
    female: &[
        "Fang|芳", "Jing|静", "Li|丽", "Min|敏", "Yan|燕", "Xiaoling|晓玲", "Ying|颖", "Hui|慧", "Xin|欣",
        "Yue|悦", "Mei|美", "Lan|兰",
    ],
    surnames: &[
        "Wang|王", "Li|李", "Zhang|张", "Liu|刘", "Chen|陈", "Yang|杨", "Huang|黄", "Zhao|赵", "Wu|吴",
        "Zhou|周", "Xu|徐", "Sun|孙", "Ma|马", "Zhu|朱", "Hu|胡", "Guo|郭", "Lin|林", "He|何",
    ],
    order: Order::Either,
    middle: 0,
};

#[rustfmt::skip]
pub(crate) static KOREAN: Culture = Culture {
    male: &[
        "Min-jun|민준", "Seo-jun|서준", "Do-yun|도윤", "Ji-ho|지호", "Jae-won|재원", "Hyun-woo|현우",
        "Sung-min|성민", "Dong-hyun|동현", "Jun-young|준영", "Tae-yang|태양",
    ],
    female: &[
        "Seo-yeon|서연", "Ji-woo|지우", "Ha-eun|하은", "Soo-ah|수아", "Ji-yeon|지연", "Eun-ji|은지",
        "Hye-jin|혜진", "Yoo-na|유나", "Min-seo|민서", "Da-eun|다은",
    ],
    surnames: &[
        "Kim|김", "Lee|이", "Park|박", "Choi|최", "Jung|정", "Kang|강", "Cho|조", "Yoon|윤", "Jang|장",
        "Lim|임", "Han|한", "Oh|오", "Seo|서", "Shin|신",
    ],
    order: Order::Either,
    middle: 0,
};

#[rustfmt::skip]
pub(crate) static JAPANESE: Culture = Culture {
    male: &[
        "Haruto", "Yuto", "Sota", "Ren", "Takumi", "Hiroshi", "Kenji", "Daiki", "Kazuki", "Shota",
        "Yuki", "Ryo",
    ],
    female: &[
        "Yui", "Aoi", "Hina", "Sakura", "Yuna", "Mio", "Rin", "Haruka", "Ayaka", "Misaki", "Nanami",
        "Emi",
    ],
    surnames: &[
        "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
        "Kobayashi", "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue",
        "Kimura", "Hayashi",
    ],
    order: Order::Either,
    middle: 0,
};

#[rustfmt::skip]
pub(crate) static NIGERIAN: Culture = Culture {
    male: &[
        "Chinedu", "Emeka", "Oluwaseun", "Tunde", "Adebayo", "Ikechukwu", "Obinna", "Segun", "Femi",
        "Chukwuemeka", "Ibrahim", "Musa", "Kelechi", "Uche",
    ],
    female: &[
        "Chiamaka", "Ngozi", "Adaeze", "Funmilayo", "Folake", "Oluwakemi", "Aisha", "Blessing",
        "Amaka", "Yetunde", "Zainab", "Ifeoma", "Temitope", "Chioma",
    ],
    surnames: &[
        "Okafor", "Adeyemi", "Okonkwo", "Olawale", "Eze", "Nwosu", "Adebayo", "Ogunleye", "Balogun",
        "Okeke", "Chukwu", "Afolabi", "Bello", "Obi", "Nwachukwu", "Oyelaran",
    ],
    order: Order::Western,
    middle: 25,
};

#[rustfmt::skip]
pub(crate) static KENYAN: Culture = Culture {
    male: &[
        "Brian", "Kevin", "Dennis", "Collins", "Kipchoge", "Otieno", "Mwangi", "Kamau", "Njoroge",
        "Ochieng", "Wafula", "Kibet",
    ],
    female: &[
        "Faith", "Mercy", "Grace", "Wanjiru", "Akinyi", "Achieng", "Njeri", "Wambui", "Chebet",
        "Nafula", "Atieno", "Jebet",
    ],
    surnames: &[
        "Mwangi", "Otieno", "Kamau", "Ochieng", "Wanjiku", "Kiprop", "Mutua", "Njoroge", "Omondi",
        "Kariuki", "Cheruiyot", "Wekesa", "Maina", "Odhiambo", "Kimani", "Mutiso",
    ],
    order: Order::Western,
    middle: 20,
};

#[rustfmt::skip]
pub(crate) static EGYPTIAN: Culture = Culture {
    male: &[
        "Mohamed", "Ahmed", "Mahmoud", "Omar", "Youssef", "Mostafa", "Karim", "Hassan", "Tarek",
        "Amr", "Khaled", "Ali",
    ],
    female: &[
        "Fatma", "Nour", "Mariam", "Salma", "Yasmin", "Aya", "Hana", "Menna", "Esraa", "Dina",
        "Rana", "Heba",
    ],
    surnames: &[
        "Hassan", "Ibrahim", "Abdelrahman", "Mahmoud", "El-Sayed", "Mostafa", "Fathy", "Saleh",
        "Gamal", "Soliman", "Farouk", "Nasser", "Kamel", "Abdelaziz", "Shawky", "Ragab",
    ],
    order: Order::Western,
    middle: 0,
};

#[rustfmt::skip]
pub(crate) static TURKISH: Culture = Culture {
    male: &[
        "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Emre", "Burak", "Murat", "Can", "Oğuz",
        "Kerem", "Serkan",
    ],
    female: &[
        "Ayşe", "Fatma", "Zeynep", "Elif", "Emine", "Merve", "Büşra", "Esra", "Selin", "Deniz",
        "Ebru", "Gizem",
    ],
    surnames: &[
        "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
        "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
pub(crate) static PAKISTANI: Culture = Culture {
    male: &[
        "Muhammad", "Hamza", "Usman", "Bilal", "Faisal", "Imran", "Asad", "Zain", "Hassan",
        "Kashif", "Waqas", "Saad",
    ],
    female: &[
        "Ayesha", "Fatima", "Sana", "Hira", "Mahnoor", "Zainab", "Amna", "Sadia", "Iqra", "Mehwish",
        "Rabia", "Nida",
    ],
    surnames: &[
        "Khan", "Ahmed", "Malik", "Hussain", "Qureshi", "Chaudhry", "Butt", "Sheikh", "Iqbal",
        "Raza", "Siddiqui", "Mirza", "Javed", "Akhtar", "Abbasi", "Shah",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
pub(crate) static INDONESIAN: Culture = Culture {
    male: &[
        "Budi", "Agus", "Andi", "Rizky", "Dimas", "Fajar", "Hendra", "Wahyu", "Eko", "Arief",
        "Bayu", "Yoga",
    ],
    female: &[
        "Siti", "Dewi", "Sri", "Putri", "Ayu", "Rina", "Indah", "Fitri", "Nurul", "Wulan", "Intan",
        "Lestari",
    ],
    surnames: &[
        "Santoso", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Pratama", "Setiawan", "Nugroho",
        "Gunawan", "Susanto", "Halim", "Wibowo", "Siregar", "Harahap", "Sitompul", "Purnomo",
    ],
    order: Order::Western,
    middle: 10,
};

#[rustfmt::skip]
pub(crate) static SOUTH_AFRICAN: Culture = Culture {
    male: &[
        "Sipho", "Thabo", "Johan", "Pieter", "Lwazi", "Bongani", "Themba", "Andile", "Kagiso",
        "Willem",
    ],
    female: &[
        "Nomsa", "Thandiwe", "Lerato", "Zanele", "Ayanda", "Palesa", "Anele", "Marietjie", "Naledi",
        "Busisiwe",
    ],
    surnames: &[
        "Nkosi", "Dlamini", "Ndlovu", "Khumalo", "Mokoena", "van der Merwe", "Botha", "Naidoo",
        "Pillay", "Mahlangu", "Mthembu", "Zulu", "Molefe", "Pretorius",
    ],
    order: Order::Western,
    middle: 15,
};
