/// One name with its bytes in each encoding the extracts use, worked out once so that writing
/// a name is a copy.
struct EncodedName: Sendable {
  let text: String
  let utf8: [UInt8]
  let cp1252: [UInt8]
  /// Upper case, as police systems hold surnames.
  let upperUTF8: [UInt8]
  let upperCP1252: [UInt8]

  init(_ text: String) {
    self.text = text
    utf8 = Array(text.utf8)
    let upper = text.uppercased()
    upperUTF8 = Array(upper.utf8)
    // Every name here is in windows-1252 (a test checks); "?" would only mark a slip.
    cp1252 = TextEncoding1252.encode(text) ?? Array("?".utf8)
    upperCP1252 = TextEncoding1252.encode(upper) ?? Array("?".utf8)
  }
}

/// Invented-for-purpose name lists: common English names mixed with names that carry accents,
/// apostrophes, hyphens and spaces, which is what breaks naive matching and encodings. Every
/// character is in windows-1252 so the police extract can hold them.
enum NameLists {
  static let girls = [
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia", "Grace",
    "Willow", "Freya", "Florence", "Ella", "Evie", "Poppy", "Zoë", "Chloé", "Siobhán", "Aoife",
    "Niamh", "Saoirse", "Renée", "Zuzanna", "Amira", "Aisha", "Fatima", "Maryam", "Priya", "Ananya",
    "Jessica", "Emily", "Chloe", "Sophie", "Charlotte", "Hannah", "Ruby", "Lucy", "Mary-Jane",
    "Ellie-May", "Daisy", "Harper", "Maja", "Noémie", "Inès", "Šárka", "Lacey-Rose", "Nevaeh",
    "Ayesha", "Hafsa", "Oluwaseun", "Chidera", "Mariam", "Elif", "Darcie", "Maisie", "Lola",
  ]
  static let boys = [
    "Oliver", "George", "Noah", "Arthur", "Leo", "Muhammad", "Harry", "Oscar", "Archie", "Henry",
    "Theo", "Freddie", "Jack", "Charlie", "Finley", "Alfie", "Thomas", "Jacob", "Ethan", "Mason",
    "Tomás", "Seán", "Ciarán", "Rónán", "Jakub", "João", "José", "André", "Rhys", "Dylan", "Kai",
    "Jean-Luc", "Billy-Joe", "Ibrahim", "Yusuf", "Aarav", "Kacper", "Szymon", "Oskar", "Mateusz",
    "Dawid", "Riley", "Logan", "Tyler", "Kayden", "Harley", "Zachary", "Reuben", "Dáithí", "Eóin",
    "Tadhg", "Ayaan", "Olusegun", "Emeka", "Luca", "Mikey", "Jayden-Lee",
  ]
  static let women = [
    "Sarah", "Emma", "Laura", "Rebecca", "Gemma", "Kelly", "Claire", "Nicola", "Joanne", "Lisa",
    "Michelle", "Samantha", "Stacey", "Kirsty", "Danielle", "Jade", "Leanne", "Amy", "Hayley",
    "Katie", "Siân", "Bronwen", "Zoë", "Marie-Claire", "Aoife", "Magdalena", "Joanna", "Olga",
    "Fatima", "Nadia", "Sadia", "Shabana", "Precious", "Chidinma", "Siobhán", "Anne-Marie", "Rachel",
    "Charlene", "Shannon", "Victoria", "Natalie", "Jennifer", "Louise", "Karolina", "Agnieszka",
    "Renée", "Dominika", "Ewa", "Yasmin", "Tanya", "Ngozi", "Bríd",
  ]
  static let men = [
    "James", "Daniel", "Michael", "David", "Christopher", "Matthew", "Andrew", "Mark", "Paul", "Lee",
    "Craig", "Dean", "Wayne", "Jamie", "Ryan", "Liam", "Scott", "Carl", "Steven", "Gareth", "Darren",
    "Ricky", "Shaun", "Seán", "Dónal", "Piotr", "Tomasz", "Krzysztof", "Mohammed", "Imran", "Adeel",
    "Tunde", "Chukwuemeka", "François", "Zoltán", "Jean-Paul", "Kieran", "Connor", "Nathan",
    "Jason", "Stuart", "Gary", "Marek", "Bogdan", "Asif", "Tariq", "Kwame", "Ciarán",
    "Pádraig", "Dafydd", "Rhodri",
  ]
  static let surnames = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
    "Clarke", "Patel", "Khan", "Ahmed", "Hussain", "Ali", "Begum", "Singh", "Kaur", "O'Neill",
    "O'Brien", "O'Connor", "D'Souza", "McCarthy", "MacDonald", "Ó Súilleabháin", "Nowak",
    "Kowalski", "Lewandowski", "Müller", "Schäfer", "Brontë", "Grønvold", "Núñez", "Peña",
    "Gonçalves", "Ferreira", "Da Silva", "Okafor", "Adeyemi", "Mensah", "Nguyen", "Fitzgerald",
    "Vaughan", "Llewellyn", "Ap Rhys", "Lloyd", "Morgan", "Hughes", "Edwards", "Turner", "Hill",
    "Cooper", "Ward", "Morris", "King", "Baker", "Harrison", "Lewis", "Martin", "Scott", "Young",
    "Allen", "Mitchell", "Carter", "Phillips", "Parker", "Price", "Bennett", "Griffiths", "Kelly",
    "Murphy", "Doyle", "Ó Briain", "Le Fèvre", "St. John", "Villiers-Smith", "Ashworth", "Bradshaw",
    "Shaw", "Holmes", "Marshall", "Kowalczyk", "Zielinski", "Hassan", "Mahmood",
    "Iqbal", "Chaudhry", "Osei", "Boateng", "Ndlovu", "Ionescu", "Popescu",
  ]

  /// All forenames in one table; people hold an index into it.
  static let forenames: [EncodedName] = (girls + boys + women + men).map(EncodedName.init)
  static let girlRange = 0..<girls.count
  static let boyRange = girls.count..<(girls.count + boys.count)
  static let womanRange = boyRange.upperBound..<(boyRange.upperBound + women.count)
  static let manRange = womanRange.upperBound..<(womanRange.upperBound + men.count)
  static let surnameTable: [EncodedName] = surnames.map(EncodedName.init)

  /// Street names for addresses; each postcode gets one street.
  static let streetStems = [
    "Mill", "Church", "Station", "Park", "Victoria", "Queen's", "Albert", "Manor", "School", "Chapel",
    "Orchard", "Meadow", "Willow", "Beech", "Rectory", "Green", "King's", "New", "High", "Bridge",
    "Castle", "Forge", "Priory", "St Mary's", "Nightingale", "Kestrel", "Foxglove", "Hawthorn",
    "Juniper", "Cedar", "Brook", "Windmill", "Tannery", "Cooper's", "Abbey", "Elm", "Ash", "Holly",
  ]
  static let streetKinds = [
    "Road", "Street", "Lane", "Close", "Avenue", "Way", "Drive", "Gardens", "Crescent", "Court", "Mews",
    "Place", "Rise", "Walk",
  ]

  /// Syllables for ward names: prefix + suffix, such as "Ashford" or "Kingsmere".
  static let wardPrefixes = [
    "Ash", "Brook", "Castle", "Dale", "Elm", "Fern", "Glen", "Holly", "Kings", "Lark", "Mill", "Nor",
    "Oak", "Pen", "Queens", "Rose", "Stan", "Thorn", "Up", "Wil", "Bram", "Cold", "Long", "West",
    "East", "Chester", "Stoke", "Market", "Great", "Little",
  ]
  static let wardSuffixes = [
    "field", "ton", "bury", "ley", "wood", "ham", "ford", "gate", "mere", "by", "well", "worth",
    "combe", "stead",
  ]
}
