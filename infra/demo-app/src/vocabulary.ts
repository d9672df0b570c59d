/**
 * Word lists for the demo data: names, places, products and phrases, with accents, apostrophes
 * and a few characters (tabs, backslashes, quotes, newlines) that exercise COPY and dump escaping.
 */

export const FIRST_NAMES = [
  'Zoë', 'José', 'François', 'Siobhán', 'Łukasz', 'Björn', 'Chloé', 'Renée', 'Noël', 'Aoife', 'Mateus', 'Priya',
  'Wei', 'Yuki', 'Olamide', 'Søren', 'İlker', 'Ana', 'Liam', 'Emma', 'Noah', 'Olivia', 'Lucas', 'Mia', 'Hugo',
  'Léa', 'Mārtiņš', 'Ines', 'Kwame', 'Fatima', 'Dmitri', 'Ngozi', 'Sven', 'Camille', 'Jürgen', 'Ayşe', 'Raúl',
  'Hannah', 'Oscar', 'Mei', 'Tomás', 'Ingrid', 'Rafael', 'Amélie', 'Declan', 'Niamh', 'Kenji', 'Sofía',
] as const;

export const LAST_NAMES = [
  "O'Brien", "D'Angelo", 'Müller', 'García', 'Nguyễn', 'Østergaard', 'Smith', 'Kowalski', 'Dubois', 'Rossi',
  'Okafor', 'Sato', 'Janssen', 'van der Berg', 'MacLeod', 'Ó Súilleabháin', 'Brontë', 'Johansson', 'Fernández',
  'Lefèvre', 'Novák', 'Papadopoulos', 'Schröder', 'Yılmaz', 'Costa', 'Murphy', 'Hansen', 'Kim', 'Silva', 'Dupont',
  "N'Diaye", 'Åkesson', 'Brown', 'Wójcik', 'Moreau', 'Ferreira', 'Horvath', 'Lindqvist', 'Patel', 'Tanaka',
] as const;

export const COMPANY_WORDS = [
  'Northwind', 'Blue Fjord', 'Café Lumière', 'Brønd', 'Alpenglow', 'Harbour', 'Maple & Oak', "O'Hara", 'Sakura',
  'Côte Verte', 'Ironbridge', 'Kestrel', 'Lighthouse', 'Mistral', 'Nordlys', 'Orchard', 'Pinewood', 'Quayside',
  'Red Kite', 'Saltmarsh', 'Tundra', 'Überall', 'Vineyard', 'Wildflower', 'Zephyr', 'Árbol', 'Éclair', 'Hygge',
  'Granite', 'Copper Kettle', 'Silverline', 'Meadow', 'Starling', 'Thistle', 'Juniper', 'Lantern',
] as const;

export const COMPANY_NOUNS = [
  'Traders', 'Outfitters', 'Supply', 'Kitchens', 'Studio', 'Goods', 'Provisions', 'Workshop', 'Collective',
  'Imports', 'Logistics', 'Bakery', 'Pharmacy', 'Hardware', 'Books', 'Tea House', 'Cycles', 'Design',
] as const;

export const COMPANY_SUFFIXES = ['Ltd', 'GmbH', 'SARL', 'ApS', 'Inc.', 'S.L.', 'AB', 'B.V.', '& Sons', 'Co.', 'LLC', ''] as const;

export const CITIES = [
  { city: 'Lyon', country: 'FR', street: "rue de l'Église", postal: '69002', dial: '33' },
  { city: 'São Paulo', country: 'BR', street: 'Rua Augusta', postal: '01305-000', dial: '55' },
  { city: 'München', country: 'DE', street: 'Hauptstraße', postal: '80331', dial: '49' },
  { city: 'Kraków', country: 'PL', street: 'ulica Długa', postal: '31-146', dial: '48' },
  { city: 'Zürich', country: 'CH', street: 'Bahnhofstrasse', postal: '8001', dial: '41' },
  { city: 'Reykjavík', country: 'IS', street: 'Laugavegur', postal: '101', dial: '354' },
  { city: 'Montréal', country: 'CA', street: 'rue Sainte-Catherine', postal: 'H3B 1A7', dial: '1' },
  { city: 'Austin', country: 'US', street: 'Congress Avenue', postal: 'TX 78701', dial: '1' },
  { city: 'Manchester', country: 'GB', street: "King's Road", postal: 'M1 1AE', dial: '44' },
  { city: 'Ōsaka', country: 'JP', street: 'Midosuji', postal: '530-0001', dial: '81' },
  { city: 'Cork', country: 'IE', street: "St. Patrick's Street", postal: 'T12 X70A', dial: '353' },
  { city: 'Malmö', country: 'SE', street: 'Södra Förstadsgatan', postal: '211 43', dial: '46' },
  { city: 'Bogotá', country: 'CO', street: 'Carrera Séptima', postal: '110311', dial: '57' },
  { city: 'Porto', country: 'PT', street: 'Rua de Santa Catarina', postal: '4000-447', dial: '351' },
  { city: 'Gent', country: 'BE', street: 'Veldstraat', postal: '9000', dial: '32' },
  { city: 'Aarhus', country: 'DK', street: 'Strøget', postal: '8000', dial: '45' },
] as const;

export const WAREHOUSE_KINDS = ['Distribution Centre', 'Depot', 'Fulfilment Hub', 'Lager', 'Entrepôt', 'Cross-dock'] as const;

export const PRODUCT_CATEGORIES = [
  { code: 'APP', name: 'Apparel', items: ['Rain Jacket', 'Wool Socks', "Children's Rain Boots", 'Linen Shirt', 'Beanie', 'Parka'] },
  { code: 'KIT', name: 'Kitchen', items: ['Crème Brûlée Torch', 'Cast-Iron Skillet', 'Chef\'s Knife 8"', 'Espresso Cups (set of 4)', 'Tea Towel', 'Pasta Maker'] },
  { code: 'GAR', name: 'Garden', items: ['Terracotta Pot', 'Pruning Shears', 'Watering Can 5 l', 'Seed Tray', 'Hose Reel', 'Bird Feeder'] },
  { code: 'OFF', name: 'Office', items: ['Fountain Pen', 'A5 Notebook', 'Desk Lamp', 'Monitor Stand', 'Paper Clips ×100', 'Whiteboard'] },
  { code: 'ELE', name: 'Electronics', items: ['USB-C Cable 2 m', 'Noise-Cancelling Headphones', 'Power Bank', 'Smart Plug', 'HDMI Adapter', 'Webcam'] },
  { code: 'TOY', name: 'Toys', items: ['Wooden Train', 'Jigsaw 1000 pcs', 'Plush Bear', 'Kite', 'Building Blocks', 'Yo-yo'] },
  { code: 'BTH', name: 'Bath', items: ['Bath Towel', 'Soap Dish', 'Bamboo Toothbrush', 'Loofah', 'Shower Curtain', 'Bath Mat'] },
] as const;

export const PRODUCT_ADJECTIVES = ['Classic', 'Deluxe', 'Eco', 'Compact', 'Pro', 'Vintage', 'Nordic', 'Everyday', 'Premium', 'Mini', 'Große', 'Petit'] as const;

export const COLORS = ['red', 'navy', 'forest green', 'ivory', 'charcoal', 'mustard', 'teal', 'crème', 'black', 'natural'] as const;

export const MATERIALS = ['cotton', 'wool', 'steel', 'oak', 'bamboo', 'recycled plastic', 'ceramic', 'linen', 'aluminium', 'glass'] as const;

export const PRODUCT_TAGS = ['new', 'bestseller', 'eco', 'clearance', 'fragile', 'imported', "editor's pick", 'sizes: S,M,L', '"limited"', 'back\\order'] as const;

export const CUSTOMER_TAGS = ['vip', 'late-payer', 'newsletter', 'partner', 'key account', 'tax-exempt', "founder's friend"] as const;

export const EMAIL_DOMAINS = ['example.com', 'example.org', 'mail.example.net', 'example.co.uk', 'exemple.fr'] as const;

export const JOB_TITLES = ['Buyer', 'Head of Procurement', 'CFO', 'Office Manager', 'Owner', 'Directeur général', 'Store Manager', 'Accounts Payable'] as const;

export const ACTIVITY_SUBJECTS = {
  call: ['Follow-up call', 'Called about late delivery', 'Pricing question', 'Renewal call', "Customer's complaint"],
  email: ['Sent quote', 'Re: invoice query', 'Catalogue request', 'Delivery confirmation', 'Re: Re: "urgent" order'],
  meeting: ['Quarterly review', 'Site visit', 'Product demo', 'Lunch with buyer', 'Kick-off'],
  note: ['Internal note', 'Credit check', 'Preferences', 'Account history', 'Handover'],
  task: ['Send samples', 'Prepare contract', 'Chase payment', 'Update price list', 'Book visit'],
} as const;

export const ACTIVITY_BODIES = [
  'Customer asked for a revised quote.\nPrefers delivery on Tuesdays.',
  'Agenda:\n\t1. pricing\n\t2. delivery windows\n\t3. returns',
  'Quote attached: C:\\Users\\ana\\Documents\\quote-2024.pdf',
  'She said: "we\'ll pay by Friday" – we will see.',
  'Left voicemail. No answer on mobile either.',
  'Très satisfait du service ; souhaite un catalogue papier.',
  'Path on the share: \\\\fileserver\\sales\\2024\\Q3',
  'Line one\r\nLine two (sent from Outlook)',
  'Columns pasted from a sheet:\nSKU\tQty\tPrice\nAPP-00001\t4\t19.99',
  'Discussed 10% discount\\rebate scheme; needs sign-off from finance.',
  '会議は来週に延期されました。',
  'OK 👍',
] as const;

export const ORDER_NOTES = [
  'Leave at the back door.',
  'Gift wrap, please.\nCard: "Happy birthday, Zoë!"',
  'Deliver between 8:00\tand 10:00',
  "Call before delivery — driver can't reach gate",
  'Ref. PO\\2024\\117',
  'Urgent',
] as const;

export const EXPENSES = ['Rent', 'Electricity', 'Payroll', 'Software subscriptions', 'Shipping supplies', "Accountant's fee", 'Travel'] as const;

/** The chart of accounts every tenant gets. */
export const CHART_OF_ACCOUNTS = [
  { code: '1000', name: 'Cash', kind: 'asset' },
  { code: '1100', name: 'Bank', kind: 'asset' },
  { code: '1200', name: 'Accounts receivable', kind: 'asset' },
  { code: '1300', name: 'Inventory', kind: 'asset' },
  { code: '2000', name: 'Accounts payable', kind: 'liability' },
  { code: '2200', name: 'Sales tax payable', kind: 'liability' },
  { code: '3000', name: "Owner's equity", kind: 'equity' },
  { code: '4000', name: 'Sales revenue', kind: 'revenue' },
  { code: '4100', name: 'Shipping income', kind: 'revenue' },
  { code: '5000', name: 'Cost of goods sold', kind: 'expense' },
  { code: '6000', name: 'Operating expenses', kind: 'expense' },
] as const;

export const CURRENCIES = [
  { currency: 'EUR', taxRate: 0.2 },
  { currency: 'USD', taxRate: 0.0825 },
  { currency: 'GBP', taxRate: 0.2 },
  { currency: 'SEK', taxRate: 0.25 },
  { currency: 'CHF', taxRate: 0.081 },
  { currency: 'JPY', taxRate: 0.1 },
] as const;
