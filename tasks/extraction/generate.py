#!/usr/bin/env python3
"""Deterministic data generator for the slm-bench information-extraction task.

It writes synthetic administrative documents with gold JSON fields:

    data/de_test.jsonl    200 German documents (fictional Stadt Lindenau)
    data/en_test.jsonl    200 English documents (fictional Millbrook Council)
    data/de_train.jsonl     5 German documents (few-shot examples, other seed)
    data/en_train.jsonl     5 English documents

Each line is {"id", "doc_type", "text", "fields"}. Document types (equal shares):
invoice, fee_notice, appointment_letter, citizen_letter, registration_form. `fields`
holds exactly the field names of the type, in a fixed order; a field the document does
not state is null (about 10 % of the optional fields). Gold values are canonical: dates
'YYYY-MM-DD', times 'HH:MM', amounts '1234.50'; names, offices, addresses, numbers, phone
numbers and IBANs are verbatim substrings of the text.

Usage (from the repository root; standard library only):

    python tasks/extraction/generate.py           # regenerate and write the four files
    python tasks/extraction/generate.py --check   # regenerate in memory; exit 1 if the
                                                  # files on disk differ

Output is byte-for-byte reproducible (fixed seeds, no hash-order dependence). A
self-check runs before anything is written or compared: verbatim fields occur in the
text, every date/amount/time gold value matches its rendering in the text, gold dates
and amounts are not repeated by distractors, IBANs carry valid check digits, invoice
totals equal net + VAT, ids are unique, counts and word lengths are right.
"""

import argparse
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"

SEEDS = {
    ("de", "test"): 71_2026_01,
    ("en", "test"): 71_2026_02,
    ("de", "train"): 71_2026_11,
    ("en", "train"): 71_2026_12,
}
COUNTS = {"test": 200, "train": 5}

DOC_TYPES = ["invoice", "fee_notice", "appointment_letter", "citizen_letter", "registration_form"]
FIELDS = {
    "invoice": ["invoice_number", "invoice_date", "due_date", "total_amount", "sender_name", "iban"],
    "fee_notice": ["case_number", "notice_date", "amount", "payment_deadline", "recipient_name",
                   "recipient_address"],
    "appointment_letter": ["case_number", "appointment_date", "appointment_time", "office",
                           "contact_person", "phone"],
    "citizen_letter": ["sender_name", "sender_address", "letter_date", "reference_number",
                       "requested_deadline"],
    "registration_form": ["family_name", "given_name", "birth_date", "move_in_date", "new_address",
                          "previous_address"],
}  # fmt: skip
OPTIONAL = {
    "invoice": ["due_date", "iban"],
    "fee_notice": ["payment_deadline", "recipient_address"],
    "appointment_letter": ["case_number", "contact_person", "phone"],
    "citizen_letter": ["sender_address", "letter_date", "reference_number", "requested_deadline"],
    "registration_form": ["previous_address"],
}
DATE_FIELDS = {"invoice_date", "due_date", "notice_date", "payment_deadline", "appointment_date",
               "letter_date", "requested_deadline", "birth_date", "move_in_date"}  # fmt: skip
AMOUNT_FIELDS = {"total_amount", "amount"}
TIME_FIELDS = {"appointment_time"}
# Share of optional field slots left out of the documents (sampled exactly per file); the
# train files get more so that the few-shot examples show null answers.
NULL_SHARE = {"test": 0.10, "train": 0.25}

MIN_D, MAX_D = dt.date(2025, 1, 1), dt.date(2027, 12, 31)
ANCHOR_LO, ANCHOR_HI = dt.date(2025, 3, 1), dt.date(2027, 9, 30)
MIN_WORDS, MAX_WORDS = 60, 220

# --------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------

GIVEN_DE = [
    ("Anna", "f"), ("Maria", "f"), ("Julia", "f"), ("Laura", "f"), ("Sophie", "f"), ("Lena", "f"),
    ("Katharina", "f"), ("Sabine", "f"), ("Petra", "f"), ("Claudia", "f"), ("Monika", "f"),
    ("Ursula", "f"), ("Andrea", "f"), ("Stefanie", "f"), ("Nicole", "f"), ("Christina", "f"),
    ("Sandra", "f"), ("Melanie", "f"), ("Jana", "f"), ("Hannah", "f"), ("Johanna", "f"),
    ("Birgit", "f"), ("Renate", "f"), ("Ingrid", "f"), ("Elke", "f"), ("Heike", "f"), ("Anja", "f"),
    ("Martina", "f"), ("Susanne", "f"), ("Franziska", "f"), ("Carolin", "f"), ("Miriam", "f"),
    ("Yasemin", "f"), ("Elif", "f"), ("Agnieszka", "f"), ("Natalia", "f"), ("Greta", "f"),
    ("Thomas", "m"), ("Michael", "m"), ("Andreas", "m"), ("Stefan", "m"), ("Markus", "m"),
    ("Christian", "m"), ("Jürgen", "m"), ("Klaus", "m"), ("Peter", "m"), ("Wolfgang", "m"),
    ("Uwe", "m"), ("Matthias", "m"), ("Tobias", "m"), ("Daniel", "m"), ("Jan", "m"), ("Lukas", "m"),
    ("Felix", "m"), ("Jonas", "m"), ("Paul", "m"), ("Maximilian", "m"), ("Leon", "m"),
    ("Niklas", "m"), ("Florian", "m"), ("Sebastian", "m"), ("Tim", "m"), ("Dirk", "m"),
    ("Holger", "m"), ("Rainer", "m"), ("Bernd", "m"), ("Karl", "m"), ("Emre", "m"), ("Mehmet", "m"),
    ("Piotr", "m"), ("Dimitri", "m"), ("Ahmad", "m"), ("Henrik", "m"),
]  # fmt: skip
FAMILY_DE = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz",
    "Krause", "Meier", "Lehmann", "Schulze", "Köhler", "Herrmann", "König", "Mayer", "Huber",
    "Kaiser", "Fuchs", "Peters", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel",
    "Keller", "Berger", "Winkler", "Roth", "Beck", "Baumann", "Franke", "Albrecht", "Schuster",
    "Böhm", "Winter", "Kraus", "Yılmaz", "Kaya", "Nowak", "Kowalski", "Popescu", "Haddad",
    "Lindqvist", "Ostermann", "Brandl", "Seidel", "Pohl", "Ebert", "Vogt", "Janssen",
]  # fmt: skip
GIVEN_EN = [
    ("Emily", "f"), ("Sarah", "f"), ("Jessica", "f"), ("Hannah", "f"), ("Charlotte", "f"),
    ("Sophie", "f"), ("Olivia", "f"), ("Amelia", "f"), ("Grace", "f"), ("Lucy", "f"), ("Chloe", "f"),
    ("Megan", "f"), ("Rebecca", "f"), ("Laura", "f"), ("Rachel", "f"), ("Katherine", "f"),
    ("Helen", "f"), ("Claire", "f"), ("Joanne", "f"), ("Nicola", "f"), ("Susan", "f"),
    ("Margaret", "f"), ("Patricia", "f"), ("Fiona", "f"), ("Alison", "f"), ("Priya", "f"),
    ("Aisha", "f"), ("Fatima", "f"), ("Zara", "f"), ("Niamh", "f"), ("Siobhan", "f"),
    ("Eleanor", "f"), ("Imogen", "f"), ("Harriet", "f"), ("Bethany", "f"), ("Gemma", "f"),
    ("James", "m"), ("Thomas", "m"), ("William", "m"), ("Oliver", "m"), ("Harry", "m"),
    ("George", "m"), ("Jack", "m"), ("Daniel", "m"), ("Matthew", "m"), ("Andrew", "m"),
    ("David", "m"), ("Michael", "m"), ("Richard", "m"), ("Robert", "m"), ("Paul", "m"), ("Mark", "m"),
    ("Stephen", "m"), ("Christopher", "m"), ("Gareth", "m"), ("Owen", "m"), ("Rhys", "m"),
    ("Callum", "m"), ("Liam", "m"), ("Connor", "m"), ("Samuel", "m"), ("Benjamin", "m"),
    ("Edward", "m"), ("Nathan", "m"), ("Adam", "m"), ("Rajesh", "m"), ("Arjun", "m"),
    ("Mohammed", "m"), ("Kwame", "m"), ("Tomasz", "m"), ("Graham", "m"), ("Ian", "m"), ("Neil", "m"),
]  # fmt: skip
FAMILY_EN = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
    "Clarke", "Patel", "Khan", "Lewis", "Harris", "Cooper", "King", "Baker", "Harrison", "Allen",
    "Hughes", "Edwards", "Hill", "Moore", "Turner", "Ward", "Parker", "Collins", "Bennett", "Cook",
    "Shaw", "Carter", "Phillips", "Mitchell", "Fletcher", "Marshall", "Holmes", "Barker", "Lloyd",
    "Price", "Chapman", "Webb", "Ellis", "Reynolds", "Murphy", "O'Connor", "Kowalski", "Okafor",
    "Ahmed", "Nguyen", "Sullivan", "Fraser", "Pearce", "Hussain", "Whitfield", "Ashworth",
    "Pemberton", "Lockwood", "Haworth",
]  # fmt: skip

STREETS_DE = [
    "Lindenstraße", "Hauptstraße", "Bahnhofstraße", "Goethestraße", "Schillerstraße", "Kirchgasse",
    "Gartenweg", "Ahornweg", "Birkenallee", "Eichendorffstraße", "Mühlweg", "Rosenstraße",
    "Bergstraße", "Am Stadtpark", "Wiesenweg", "Schulstraße", "Feldstraße", "Ringstraße",
    "Brunnenstraße", "Kastanienallee", "Am Lindenhof", "Uferstraße", "Talstraße", "Waldstraße",
    "Sonnenhang", "Heinrich-Heine-Straße", "Beethovenstraße", "Gutenbergstraße", "Marienplatz",
    "Am Schlossberg", "Fliederweg", "Lerchenweg", "Kantstraße", "Erlenring", "Hopfengarten",
]  # fmt: skip
STREETS_EN = [
    "High Street", "Church Lane", "Mill Road", "Station Road", "Victoria Avenue", "Orchard Close",
    "Park Road", "Queen Street", "King's Road", "Meadow Way", "Willow Crescent", "Elm Grove",
    "Beech Drive", "Chestnut Avenue", "Riverside Walk", "Bridge Street", "North Street",
    "Castle Hill", "Brook Lane", "Ashdown Road", "Foxglove Close", "Hawthorn Road", "Rosemary Lane",
    "Cedar Court", "Oak Tree Lane", "Kingfisher Way", "Primrose Hill", "Abbey Road", "Granary Lane",
    "School Lane", "Green Lane", "Manor Road", "Springfield Road", "Tanners Row",
]  # fmt: skip

LINDENAU_PLZ = ["35418", "35419", "35421"]
TOWNS_DE = [
    ("Auental", "35102"), ("Eichenhain", "35274"), ("Wiesbrunn", "35316"), ("Talbach", "35447"),
    ("Steinhausen am See", "35516"), ("Neuweiler", "35583"), ("Oberlinden", "35625"),
    ("Kleinau", "35713"), ("Hohenfelde", "36041"), ("Rabenstein", "34117"), ("Grünbach", "61169"),
    ("Mühlental", "60316"), ("Sankt Georgen am Forst", "63739"), ("Weidenbruck", "65183"),
]  # fmt: skip
MILLBROOK_PC = "MB"
TOWNS_EN = [
    ("Ashcombe", "AC"), ("Kingsbury Vale", "KV"), ("Oakridge", "OK"), ("Hollowmere", "HM"),
    ("Westbridge", "WB"), ("Fernley", "FY"), ("Saltford Cross", "SX"), ("Dunmore Heath", "DH"),
    ("Little Halden", "LH"), ("Thornbury Green", "TG"), ("Easton Priory", "EP"), ("Redmarsh", "RM"),
]  # fmt: skip

RATHAUS_STREET_DE, RATHAUS_PLZORT_DE = "Rathausplatz 1", "35418 Lindenau"
RATHAUS_DE = f"{RATHAUS_STREET_DE}, {RATHAUS_PLZORT_DE}"
CIVIC_EN = "Civic Offices, Market Square, Millbrook MB1 1AA"
DEPTS_DE = ["Hauptamt", "Amt für Gebäudemanagement", "Tiefbauamt", "Ordnungsamt", "Amt für Stadtgrün",
            "Schulverwaltungsamt", "Kämmerei", "Bauordnungsamt", "Amt für Soziales und Wohnen",
            "Kulturamt"]  # fmt: skip
DEPTS_EN = ["Facilities Management", "Highways Department", "Parks and Open Spaces",
            "Environmental Health", "Finance Department", "Planning Department", "Housing Services",
            "Customer Services", "Waste and Recycling", "Education Services"]  # fmt: skip

# Invoice categories: items are (description, min, max, unit or None), prices in whole units
# (per unit where a unit is given). `citizen`: the trade also bills private households.
CATS_DE = {
    "sanitaer": dict(job="Sanitär- und Heizungsarbeiten", prose="die beauftragten Sanitär- und Heizungsarbeiten ausgeführt", citizen=True, items=[
        ("Arbeitszeit Monteur", 48, 78, "Std."), ("Austausch Waschtischarmatur inkl. Material", 120, 380, None),
        ("Rohrreinigung Abwasserleitung", 90, 260, None), ("Anfahrtspauschale", 25, 60, None),
        ("Wartung Gasbrennwertkessel", 140, 290, None), ("Kleinmaterial (Dichtungen, Ventile)", 12, 85, None)]),
    "elektro": dict(job="Elektroarbeiten", prose="die vereinbarten Elektroarbeiten durchgeführt", citizen=True, items=[
        ("Arbeitszeit Elektriker", 52, 82, "Std."), ("Prüfung ortsveränderlicher Geräte nach DGUV V3", 3, 6, "Stk."),
        ("Austausch LED-Leuchten Flur", 180, 940, None), ("Installation Unterverteilung", 450, 1800, None),
        ("Fehlersuche Stromkreis Keller", 85, 240, None)]),
    "reinigung": dict(job="Reinigungsleistungen", prose="die vereinbarten Reinigungsleistungen erbracht", citizen=False, items=[
        ("Unterhaltsreinigung Büroräume", 900, 4200, None), ("Glasreinigung Fensterflächen", 240, 1300, None),
        ("Grundreinigung Sporthalle", 650, 2400, None), ("Sonderreinigung nach Veranstaltung", 28, 36, "Std.")]),
    "garten": dict(job="Grünpflegearbeiten", prose="die beauftragten Garten- und Baumpflegearbeiten ausgeführt", citizen=True, items=[
        ("Heckenschnitt inkl. Entsorgung Grünschnitt", 160, 780, None), ("Baumfällung Birke", 380, 1600, None),
        ("Rasenpflege", 38, 55, "Std."), ("Pflanzarbeiten Staudenbeet", 240, 1200, None),
        ("Containergestellung Grünschnitt", 95, 210, None)]),
    "maler": dict(job="Malerarbeiten", prose="die beauftragten Maler- und Lackierarbeiten ausgeführt", citizen=True, items=[
        ("Wandanstrich Dispersion weiß", 8, 16, "m²"), ("Lackierung Heizkörper", 45, 90, "Stk."),
        ("Abdeck- und Schutzarbeiten", 80, 260, None), ("Spachtelarbeiten Risse", 120, 480, None)]),
    "it": dict(job="IT-Dienstleistungen", prose="die vereinbarten IT-Dienstleistungen erbracht", citizen=False, items=[
        ("Notebook 14 Zoll inkl. Einrichtung", 780, 1150, "Stk."), ("Support vor Ort", 85, 125, "Std."),
        ("Lizenzverlängerung Virenschutz (12 Monate)", 240, 1900, None), ("Netzwerkswitch 24 Port", 290, 720, None)]),
    "druck": dict(job="Druckerzeugnisse", prose="die bestellten Druckerzeugnisse produziert und geliefert", citizen=False, items=[
        ("Flyer DIN lang, 4/4-farbig, 5.000 Stück", 180, 420, None), ("Plakate DIN A1", 9, 18, "Stk."),
        ("Broschüre 24 Seiten, Auflage 1.000", 900, 2600, None), ("Satz und Gestaltung", 65, 95, "Std.")]),
    "catering": dict(job="Catering", prose="das Catering für Ihre Veranstaltung geliefert und betreut", citizen=True, items=[
        ("Fingerfood-Buffet", 14, 29, "Pers."), ("Getränkepauschale", 6, 12, "Pers."),
        ("Servicepersonal", 29, 38, "Std."), ("Geschirr- und Tischwäscheverleih", 80, 260, None)]),
    "umzug": dict(job="Umzugsleistungen", prose="den beauftragten Umzug durchgeführt", citizen=True, items=[
        ("Umzugshelfer", 32, 45, "Std."), ("LKW 7,5 t inkl. Fahrer", 380, 690, None),
        ("Verpackungsmaterial", 40, 160, None), ("Möbelmontage", 120, 450, None)]),
    "dach": dict(job="Dachdeckerarbeiten", prose="die beauftragten Dachdeckerarbeiten ausgeführt", citizen=True, items=[
        ("Reparatur Dacheindeckung", 450, 2600, None), ("Reinigung Dachrinnen", 8, 14, "m"),
        ("Austausch Dachfenster", 780, 1650, None), ("Facharbeiterstunden", 49, 69, "Std.")]),
    "geruest": dict(job="Gerüstbau", prose="das beauftragte Gerüst gestellt und wieder abgebaut", citizen=True, items=[
        ("Fassadengerüst, Auf- und Abbau", 9, 16, "m²"), ("Standzeitverlängerung", 60, 180, "Wo."),
        ("Schutznetz", 120, 480, None), ("An- und Abfahrt", 90, 220, None)]),
    "pflaster": dict(job="Pflasterarbeiten", prose="die beauftragten Pflasterarbeiten ausgeführt", citizen=True, items=[
        ("Pflasterarbeiten Gehweg", 38, 72, "m²"), ("Bordsteine setzen", 28, 46, "m"),
        ("Entsorgung Aushub", 180, 640, None), ("Facharbeiterstunden", 49, 69, "Std.")]),
    "glas": dict(job="Glaserarbeiten", prose="die beauftragten Glaserarbeiten ausgeführt", citizen=True, items=[
        ("Austausch Isolierglasscheibe", 180, 640, None), ("Notverglasung", 95, 260, None),
        ("Fensterbeschläge einstellen", 12, 25, "Stk."), ("Anfahrtspauschale", 30, 60, None)]),
    "tischler": dict(job="Tischlerarbeiten", prose="die beauftragten Tischlerarbeiten ausgeführt", citizen=True, items=[
        ("Einbauregal Eiche nach Maß", 650, 2400, None), ("Reparatur Holzfenster", 140, 520, None),
        ("Austausch Türblatt", 280, 760, None), ("Arbeitszeit Tischler", 52, 72, "Std.")]),
    "uebersetzung": dict(job="Übersetzungsleistungen", prose="die beauftragten Übersetzungen angefertigt", citizen=True, items=[
        ("Übersetzung Urkunden Deutsch–Englisch", 1, 2, "Zeilen"), ("Beglaubigung der Übersetzung", 15, 35, None),
        ("Dolmetscheinsatz", 55, 85, "Std."), ("Versandpauschale", 5, 12, None)]),
    "veranstaltung": dict(job="Veranstaltungstechnik", prose="die Ton- und Lichttechnik für Ihre Veranstaltung gestellt und betreut", citizen=False, items=[
        ("Tonanlage inkl. Mikrofone", 280, 950, None), ("Lichttechnik Bühne", 240, 1100, None),
        ("Veranstaltungstechniker", 45, 65, "Std."), ("Transport und Aufbau", 120, 380, None)]),
    "schaedling": dict(job="Schädlingsbekämpfung", prose="die beauftragte Schädlingsbekämpfung durchgeführt", citizen=True, items=[
        ("Bekämpfung Ratten, Erstbehandlung", 180, 420, None), ("Köderstationen", 18, 35, "Stk."),
        ("Kontrollbegehung", 65, 140, None), ("Anfahrtspauschale", 30, 60, None)]),
    "schluessel": dict(job="Schlosserarbeiten", prose="die beauftragten Schlosserarbeiten ausgeführt", citizen=True, items=[
        ("Türöffnung", 80, 190, None), ("Austausch Schließzylinder", 45, 120, "Stk."),
        ("Wartung Schließanlage", 140, 460, None), ("Anfahrtspauschale", 30, 70, None)]),
    "beratung": dict(job="Beratungsleistungen", prose="die vereinbarten Beratungsleistungen erbracht", citizen=False, items=[
        ("Beratungsleistung", 110, 180, "Std."), ("Moderation Workshop", 900, 2400, None),
        ("Reisekostenpauschale", 40, 120, None)]),
}  # fmt: skip
COMPANIES_DE = [
    ("Hoffmann Haustechnik GmbH", "sanitaer"), ("Sanitär Ebert GmbH & Co. KG", "sanitaer"),
    ("Heizungsbau Lammert GmbH", "sanitaer"), ("Elektro Brandt GmbH", "elektro"),
    ("Elektrotechnik Kessler e.K.", "elektro"), ("Gebäudereinigung Akbulut GmbH", "reinigung"),
    ("Glasreinigung Klarblick GmbH", "reinigung"), ("Facility Service Mittelhessen GmbH", "reinigung"),
    ("Grünpflege Sommer GmbH", "garten"), ("Garten- und Landschaftsbau Hecker GmbH", "garten"),
    ("Baumpflege Eichler", "garten"), ("Malerbetrieb Keller", "maler"),
    ("Malerwerkstatt Sauer & Sohn", "maler"), ("IT-Systemhaus Rother GmbH", "it"),
    ("Datenwerk Lindenau GmbH", "it"), ("Druckerei Weiland GmbH", "druck"),
    ("Werbetechnik Zander GmbH", "druck"), ("Copyshop Lindner e.K.", "druck"),
    ("Catering Tafelrunde GmbH", "catering"), ("Landgasthof Eichenhof Catering", "catering"),
    ("Umzüge Krämer GmbH", "umzug"), ("Möbelspedition Schnellweg GmbH", "umzug"),
    ("Dachdeckerei Vogt & Söhne", "dach"), ("Gerüstbau Nord GmbH", "geruest"),
    ("Pflasterbau Steinmetz GmbH", "pflaster"), ("Glaserei Lüders", "glas"),
    ("Tischlerei Ostermann", "tischler"), ("Übersetzungsbüro Wortwahl", "uebersetzung"),
    ("Veranstaltungstechnik Lichtblick GmbH", "veranstaltung"),
    ("Schädlingsbekämpfung Falk GmbH", "schaedling"), ("Schlüsseldienst Pohl", "schluessel"),
    ("Beratung Wendt Consulting GmbH", "beratung"),
]  # fmt: skip
CATS_EN = {
    "plumbing": dict(job="plumbing and heating work", prose="carried out the agreed plumbing and heating work", citizen=True, items=[
        ("Engineer labour", 45, 75, "hrs"), ("Replacement basin mixer tap, supplied and fitted", 110, 340, None),
        ("Drain unblocking", 85, 240, None), ("Call-out charge", 35, 80, None),
        ("Annual boiler service", 95, 180, None), ("Sundry fittings and materials", 10, 70, None)]),
    "electrical": dict(job="electrical work", prose="carried out the agreed electrical work", citizen=True, items=[
        ("Electrician labour", 48, 80, "hrs"), ("Portable appliance testing", 2, 5, "items"),
        ("Replacement LED panels, corridor", 160, 880, None), ("Consumer unit upgrade", 420, 1500, None),
        ("Fault finding, basement circuit", 75, 220, None)]),
    "cleaning": dict(job="cleaning services", prose="provided the agreed cleaning services", citizen=False, items=[
        ("Office cleaning contract", 850, 3900, None), ("Window cleaning, external", 220, 1200, None),
        ("Deep clean, sports hall", 600, 2200, None), ("Additional cleaning after event", 22, 32, "hrs")]),
    "grounds": dict(job="grounds maintenance", prose="carried out the agreed grounds maintenance and tree work", citizen=True, items=[
        ("Hedge cutting incl. green waste removal", 140, 720, None), ("Tree felling, silver birch", 350, 1500, None),
        ("Grass cutting", 30, 48, "hrs"), ("Planting, shrub border", 220, 1100, None),
        ("Skip hire, green waste", 90, 200, None)]),
    "decorating": dict(job="decorating work", prose="carried out the agreed painting and decorating", citizen=True, items=[
        ("Emulsion walls, two coats", 7, 14, "m²"), ("Gloss radiators", 40, 85, "items"),
        ("Preparation and masking", 70, 240, None), ("Filling and making good cracks", 110, 450, None)]),
    "it": dict(job="IT services", prose="supplied the equipment and IT services you ordered", citizen=False, items=[
        ("Laptop 14-inch incl. set-up", 650, 1050, "units"), ("On-site support", 70, 110, "hrs"),
        ("Antivirus licence renewal (12 months)", 200, 1700, None), ("24-port network switch", 250, 650, None)]),
    "printing": dict(job="printing", prose="printed and delivered the items you ordered", citizen=False, items=[
        ("DL leaflets, full colour, 5,000", 150, 380, None), ("A1 posters", 8, 16, "items"),
        ("24-page booklet, run of 1,000", 800, 2300, None), ("Design and typesetting", 55, 85, "hrs")]),
    "catering": dict(job="catering", prose="provided the catering for your event", citizen=True, items=[
        ("Finger buffet", 12, 26, "guests"), ("Drinks package", 5, 11, "guests"),
        ("Serving staff", 22, 32, "hrs"), ("Crockery and linen hire", 70, 230, None)]),
    "removals": dict(job="removal services", prose="carried out your removal", citizen=True, items=[
        ("Removal crew", 28, 40, "hrs"), ("7.5-tonne lorry with driver", 340, 620, None),
        ("Packing materials", 35, 140, None), ("Furniture assembly", 100, 400, None)]),
    "roofing": dict(job="roofing work", prose="carried out the agreed roof repairs", citizen=True, items=[
        ("Roof repair, replacement tiles", 400, 2300, None), ("Gutter clearing", 6, 12, "m"),
        ("Replacement roof window", 700, 1500, None), ("Roofer labour", 40, 60, "hrs")]),
    "scaffolding": dict(job="scaffolding", prose="erected and later dismantled the scaffolding", citizen=True, items=[
        ("Scaffold erection and dismantling", 8, 14, "m²"), ("Extended hire", 50, 160, "weeks"),
        ("Debris netting", 100, 420, None), ("Delivery and collection", 80, 200, None)]),
    "paving": dict(job="paving work", prose="carried out the agreed paving work", citizen=True, items=[
        ("Block paving, footpath", 35, 65, "m²"), ("Kerb laying", 25, 42, "m"),
        ("Spoil removal", 160, 580, None), ("Labour", 40, 60, "hrs")]),
    "glazing": dict(job="glazing work", prose="carried out the agreed glazing work", citizen=True, items=[
        ("Replacement double-glazed unit", 160, 580, None), ("Emergency boarding-up", 85, 240, None),
        ("Window hinge adjustment", 10, 22, "items"), ("Call-out charge", 30, 60, None)]),
    "joinery": dict(job="joinery work", prose="carried out the agreed joinery work", citizen=True, items=[
        ("Fitted oak shelving, made to measure", 580, 2100, None), ("Timber window repair", 120, 480, None),
        ("Replacement door leaf", 250, 700, None), ("Joiner labour", 45, 65, "hrs")]),
    "translation": dict(job="translation services", prose="completed the translations you ordered", citizen=True, items=[
        ("Certified translation", 1, 2, "lines"), ("Certification fee", 15, 35, None),
        ("Interpreting", 45, 75, "hrs"), ("Postage", 4, 10, None)]),
    "av": dict(job="audio-visual services", prose="supplied and operated the sound and lighting for your event", citizen=False, items=[
        ("PA system incl. microphones", 250, 850, None), ("Stage lighting", 220, 1000, None),
        ("AV technician", 40, 60, "hrs"), ("Transport and set-up", 100, 340, None)]),
    "pest": dict(job="pest control", prose="carried out the agreed pest control treatment", citizen=True, items=[
        ("Rodent treatment, initial visit", 160, 380, None), ("Bait stations", 15, 30, "items"),
        ("Follow-up inspection", 55, 120, None), ("Call-out charge", 30, 60, None)]),
    "locksmith": dict(job="locksmith services", prose="carried out the agreed locksmith work", citizen=True, items=[
        ("Emergency door opening", 70, 170, None), ("Replacement cylinder lock", 40, 110, "items"),
        ("Master key system maintenance", 120, 420, None), ("Call-out charge", 30, 70, None)]),
    "consulting": dict(job="consultancy services", prose="provided the agreed consultancy services", citizen=False, items=[
        ("Consultancy", 95, 160, "hrs"), ("Workshop facilitation", 800, 2200, None),
        ("Travel expenses", 35, 110, None)]),
}  # fmt: skip
COMPANIES_EN = [
    ("Brookside Plumbing Ltd", "plumbing"), ("Fenwick Heating & Gas Ltd", "plumbing"),
    ("Hartley & Sons Ltd", "plumbing"), ("Riverside Electrical Contractors Ltd", "electrical"),
    ("Beacon Electrical Services", "electrical"), ("Kestrel Cleaning Services Ltd", "cleaning"),
    ("Clearview Window Cleaning", "cleaning"), ("Meridian Facilities Management Ltd", "cleaning"),
    ("Greenway Grounds Maintenance Ltd", "grounds"), ("Willowbrook Landscapes Ltd", "grounds"),
    ("Elmstead Tree Surgery Ltd", "grounds"), ("Larkspur Decorators Ltd", "decorating"),
    ("Pennington Painting & Decorating", "decorating"), ("Crestline IT Services Ltd", "it"),
    ("Millbrook Computer Solutions Ltd", "it"), ("Penrose Printing Ltd", "printing"),
    ("Juniper Signs Ltd", "printing"), ("Quillfield Print & Copy Ltd", "printing"),
    ("Silverleaf Catering Ltd", "catering"), ("The Old Granary Kitchen", "catering"),
    ("Northgate Removals Ltd", "removals"), ("Falcon Removals & Storage Ltd", "removals"),
    ("Oakfield Roofing Ltd", "roofing"), ("Ashcombe Scaffolding Ltd", "scaffolding"),
    ("Granite Paving Ltd", "paving"), ("Ivybridge Glazing Ltd", "glazing"),
    ("Redwood Joinery Ltd", "joinery"), ("Harbour Translation Services Ltd", "translation"),
    ("Hollins Audio Visual Ltd", "av"), ("Summit Pest Control Ltd", "pest"),
    ("Blackthorn Locksmiths", "locksmith"), ("Copperfield Consulting Ltd", "consulting"),
]  # fmt: skip
BANKS_DE = ["Sparkasse Lindenau", "Volksbank Auental eG", "Raiffeisenbank Talbach eG",
            "Stadtsparkasse Wiesbrunn", "Genossenschaftsbank Mittelhessen eG"]  # fmt: skip
BANKS_EN = [("MBBK", "Millbrook Building Society"), ("KSTB", "Kestrel Bank"),
            ("RVRB", "Riverside Bank plc"), ("OAKB", "Oakridge Savings Bank"),
            ("HRTB", "Heartland Bank")]  # fmt: skip

MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
             "Oktober", "November", "Dezember"]  # fmt: skip
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]  # fmt: skip
WD_DE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
WD_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
HOURWORDS_DE = ["zwölf", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
                "zehn", "elf", "zwölf"]  # fmt: skip
DSTYLES = {"de": ["num", "long", "short"], "en": ["long", "slash", "us"]}

# --------------------------------------------------------------------------------------
# Rendering of dates, times, amounts, IBANs
# --------------------------------------------------------------------------------------


def render_date(lang, d, style, wd=False):
    if lang == "de":
        if style == "num":
            s = f"{d.day:02d}.{d.month:02d}.{d.year}"
        elif style == "long":
            s = f"{d.day}. {MONTHS_DE[d.month - 1]} {d.year}"
        else:
            s = f"{d.day}.{d.month}.{d.year % 100:02d}"
        return f"{WD_DE[d.weekday()]}, {s}" if wd else s
    if style == "long":
        s = f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
        return f"{WD_EN[d.weekday()]} {s}" if wd else s
    if style == "slash":
        s = f"{d.day:02d}/{d.month:02d}/{d.year}"
        return f"{WD_EN[d.weekday()]} {s}" if wd else s
    s = f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}"
    return f"{WD_EN[d.weekday()]}, {s}" if wd else s


def render_amount(lang, cents, style):
    whole, frac = divmod(cents, 100)
    if lang == "de":
        dotted = f"{whole:,}".replace(",", ".")
        return [f"{dotted},{frac:02d} €", f"{whole},{frac:02d} EUR", f"EUR {dotted},{frac:02d}"][style]
    return [f"£{whole:,}.{frac:02d}", f"GBP {whole}.{frac:02d}"][style]


def gold_amount(cents):
    return f"{cents // 100}.{cents % 100:02d}"


def render_time(lang, h, m, style):
    """style: colon, dot, words (German 'halb zehn', only m == 30), hour (m == 0), h24 (en)."""
    if lang == "de":
        if style == "words":
            nxt = HOURWORDS_DE[(h + 1) % 12]
            part = "vormittags" if h < 12 else ("mittags" if h == 12 else "nachmittags")
            return f"halb {nxt} {part}"
        if style == "hour":
            return f"{h} Uhr"
        if style == "dot":
            return f"{h:02d}.{m:02d} Uhr"
        return f"{h}:{m:02d} Uhr"
    if style == "h24":
        return f"{h:02d}:{m:02d}"
    h12 = h % 12 or 12
    ap = "am" if h < 12 else "pm"
    if style == "hour":
        return f"{h12}{ap}"
    if style == "dot":
        return f"{h12}.{m:02d} {ap}"
    return f"{h12}:{m:02d}{ap}"


def make_iban(country, bban):
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def iban_valid(s):
    s = s.replace(" ", "")
    if len(s) != 22 or not re.fullmatch(r"(DE\d{20}|GB\d{2}[A-Z]{4}\d{14})", s):
        return False
    return int("".join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 == 1


CITY_IBAN_DE = make_iban("DE", "51350025" + "0000731842")
CITY_IBAN_EN = make_iban("GB", "MBBK" + "401276" + "55103398")


def group4(s):
    return " ".join(s[i : i + 4] for i in range(0, len(s), 4))


# --------------------------------------------------------------------------------------
# Parsing and scanning (used only by the self-check; independent of the renderers)
# --------------------------------------------------------------------------------------

_MDE = "|".join(MONTHS_DE)
_MEN = "|".join(MONTHS_EN)
_WDE = "|".join(WD_DE)
_WEN = "|".join(WD_EN)
DATE_PATTERNS = {
    "de": [
        ("dmy", re.compile(rf"(?:({_WDE}),\s)?(?<![\d.])(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}|\d{{2}})(?!\d)")),
        ("dMy", re.compile(rf"(?:({_WDE}),\s)?(?<![\d.])(\d{{1,2}})\.\s({_MDE})\s(\d{{4}})(?!\d)")),
    ],
    "en": [
        ("dMy", re.compile(rf"(?:({_WEN}),?\s)?(?<![\d/])(\d{{1,2}})\s({_MEN})\s(\d{{4}})(?!\d)")),
        ("Mdy", re.compile(rf"(?:({_WEN}),?\s)?({_MEN})\s(\d{{1,2}}),\s(\d{{4}})(?!\d)")),
        ("dmy", re.compile(rf"(?:({_WEN}),?\s)?(?<![\d/])(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})(?![\d/])")),
    ],
}


def scan_dates(lang, text):
    """All dates in `text` as (start, end, date); raises on impossible dates/weekdays."""
    months = MONTHS_DE if lang == "de" else MONTHS_EN
    wds = WD_DE if lang == "de" else WD_EN
    found = []
    for kind, pat in DATE_PATTERNS[lang]:
        for m in pat.finditer(text):
            wd = m.group(1)
            if kind == "dmy":
                d, mo, y = int(m[2]), int(m[3]), int(m[4])
            elif kind == "dMy":
                d, mo, y = int(m[2]), months.index(m[3]) + 1, int(m[4])
            else:
                mo, d, y = months.index(m[2]) + 1, int(m[3]), int(m[4])
            y = y + 2000 if y < 100 else y
            date = dt.date(y, mo, d)  # ValueError for impossible dates
            if wd is not None and wds[date.weekday()] != wd:
                raise ValueError(f"weekday {wd} does not match {date}")
            found.append((m.start(), m.end(), date))
    return found


def parse_date(lang, span):
    hits = [h for h in scan_dates(lang, span) if h[0] == 0 and h[1] == len(span)]
    if len(hits) != 1:
        raise ValueError(f"not a date rendering: {span!r}")
    return hits[0][2]


AMOUNT_PATTERNS = {
    "de": [re.compile(r"(?<![\d.,])(?:(EUR)\s)?(\d{1,3}(?:\.\d{3})+|\d+),(\d{2})(?![\d,.])(?:\s(€|EUR|Euro))?")],
    "en": [re.compile(r"£(\d{1,3}(?:,\d{3})+|\d+)\.(\d{2})(?!\d)"),
           re.compile(r"GBP\s(\d+)\.(\d{2})(?!\d)")],
}  # fmt: skip


def scan_amounts(lang, text):
    found = []
    for pat in AMOUNT_PATTERNS[lang]:
        for m in pat.finditer(text):
            if lang == "de":
                if not (m[1] or m[4]):
                    continue  # a number with decimals but no currency: not a money amount
                whole, frac = m[2].replace(".", ""), m[3]
            else:
                whole, frac = m[1].replace(",", ""), m[2]
            found.append((m.start(), m.end(), int(whole) * 100 + int(frac)))
    return found


def parse_amount(lang, span):
    hits = [h for h in scan_amounts(lang, span) if h[0] == 0 and h[1] == len(span)]
    if len(hits) != 1:
        raise ValueError(f"not an amount rendering: {span!r}")
    return hits[0][2]


_HW = "|".join(HOURWORDS_DE[1:])
TIME_PATTERNS = {
    "de": [
        ("hm", re.compile(r"(?<![\d.:,/])(\d{1,2})[:.](\d{2})(?![\d.:,/])(?: Uhr)?")),
        ("h", re.compile(r"(?<![\d.:,/])(\d{1,2}) Uhr")),
        ("halb", re.compile(rf"halb ({_HW})(?: (vormittags|mittags|nachmittags))?")),
    ],
    "en": [
        ("hm_ap", re.compile(r"(?<![\d.:,/£])(\d{1,2})[:.](\d{2}) ?(am|pm)\b")),
        ("h_ap", re.compile(r"(?<![\d.:,/£])(\d{1,2}) ?(am|pm)\b")),
        ("h24", re.compile(r"(?<![\d.:,/£])(\d{1,2}):(\d{2})(?![\d])(?! ?(?:am|pm)\b)")),
    ],
}


def scan_times(text, lang):
    found = []
    for kind, pat in TIME_PATTERNS[lang]:
        for m in pat.finditer(text):
            if kind in ("hm", "h24"):
                h, mi = int(m[1]), int(m[2])
            elif kind == "h":
                h, mi = int(m[1]), 0
            elif kind == "halb":
                h, mi = HOURWORDS_DE.index(m[1], 1) - 1, 30
                h = 12 if h == 0 else h
                if m[2] == "nachmittags" and h < 12:
                    h += 12
            elif kind == "hm_ap":
                h, mi = int(m[1]) % 12 + (12 if m[3] == "pm" else 0), int(m[2])
            else:
                h, mi = int(m[1]) % 12 + (12 if m[2] == "pm" else 0), 0
            if h < 24 and mi < 60:
                found.append((m.start(), m.end(), (h, mi)))
    return found


def parse_time(lang, span):
    hits = [h for h in scan_times(span, lang) if h[0] == 0 and h[1] == len(span)]
    if len(hits) != 1:
        raise ValueError(f"not a time rendering: {span!r}")
    return hits[0][2]


# --------------------------------------------------------------------------------------
# Per-document state
# --------------------------------------------------------------------------------------


class Person:
    def __init__(self, given, family, sex, title=None):
        self.given, self.family, self.sex, self.title = given, family, sex, title

    @property
    def full(self):
        return f"{self.given} {self.family}"


class Doc:
    """Random choices for one document, and a record of every date/amount/time rendered."""

    def __init__(self, rng, lang, absent_fields=()):
        self.rng, self.lang = rng, lang
        self.absent_fields = set(absent_fields)
        self.dates, self.amounts, self.times = [], [], []  # (value, role or None)
        self.spans = {}  # field -> renderings of its gold value
        self.used_dates, self.used_names, self.used_addr = set(), set(), set()
        self.meta = {}
        if lang == "de":
            self.dstyle = rng.choices(DSTYLES["de"], weights=[45, 35, 20])[0]
            self.astyle = rng.randrange(3)
        else:
            self.dstyle = rng.choices(DSTYLES["en"], weights=[45, 30, 25])[0]
            self.astyle = rng.randrange(2)

    # random helpers
    def pick(self, seq):
        return self.rng.choice(seq)

    def one(self, *options):
        """Call one of several zero-argument callables, chosen at random (lazy alternatives)."""
        return self.rng.choice(options)()

    def chance(self, p):
        return self.rng.random() < p

    def absent(self, field):
        return field in self.absent_fields

    def num(self, lo, hi):
        return self.rng.randint(lo, hi)

    # dates
    def new_date(self, lo, hi, weekday=False, clamp=True):
        if clamp:
            lo, hi = max(lo, MIN_D), min(hi, MAX_D)
        for _ in range(1000):
            d = lo + dt.timedelta(days=self.rng.randint(0, (hi - lo).days))
            if d in self.used_dates or (weekday and d.weekday() >= 5):
                continue
            self.used_dates.add(d)
            return d
        raise RuntimeError("no free date")

    def anchor(self):
        return self.new_date(ANCHOR_LO, ANCHOR_HI)

    def around(self, base, lo_days, hi_days, weekday=False):
        return self.new_date(base + dt.timedelta(days=lo_days), base + dt.timedelta(days=hi_days), weekday)

    def fixed_date(self, d):
        if d in self.used_dates:
            raise RuntimeError("fixed date already used")
        self.used_dates.add(d)
        return d

    def d(self, date, role=None, wd=False, style=None, short_ok=True):
        if style is None:
            style = self.dstyle if self.chance(0.8) else self.pick(DSTYLES[self.lang])
        if style == "short" and not short_ok:
            style = "num"
        s = render_date(self.lang, date, style, wd)
        self._note(self.dates, date, role, s)
        return s

    def a(self, cents, role=None):
        s = render_amount(self.lang, cents, self.astyle)
        self._note(self.amounts, cents, role, s)
        return s

    def t(self, h, m, role=None, words_ok=True):
        if self.lang == "de":
            opts = ["colon", "colon", "dot"]
            if m == 30 and words_ok and 7 <= h <= 15 and self.chance(0.6):
                opts = ["words"]
            elif m == 0:
                opts.append("hour")
        else:
            opts = ["colon", "colon", "dot", "h24"]
            if m == 0:
                opts.append("hour")
        s = render_time(self.lang, h, m, self.pick(opts))
        self._note(self.times, (h, m), role, s)
        return s

    def note_time(self, h, m):
        self.times.append(((h, m), None))

    def _note(self, lst, value, role, s):
        lst.append((value, role))
        if role:
            self.spans.setdefault(role, []).append(s)

    def v(self, role, value):
        self.spans.setdefault(role, []).append(value)
        return value

    # people, places, numbers
    def person(self, two_given_p=0.0):
        given = GIVEN_DE if self.lang == "de" else GIVEN_EN
        fams = FAMILY_DE if self.lang == "de" else FAMILY_EN
        while True:
            g, sex = self.pick(given)
            f = self.pick(fams)
            if self.chance(0.05):
                f2 = self.pick(fams)
                if f2 != f:
                    f = f"{f}-{f2}"
            parts = set(f.split("-")) | {g}
            if parts & self.used_names:
                continue
            break
        if two_given_p and self.chance(two_given_p):
            g2 = self.pick([x for x, s in given if s == sex and x != g and x not in self.used_names])
            g = f"{g} {g2}"
        self.used_names |= set(f.split("-")) | set(g.split())
        title = None
        if self.lang == "en":
            title = "Mr" if sex == "m" else self.pick(["Ms", "Ms", "Mrs", "Miss"])
        return Person(g, f, sex, title)

    def addr(self, home=True):
        while True:
            if self.lang == "de":
                street = self.pick(STREETS_DE)
                no = str(self.num(1, 96)) + (self.pick("abc") if self.chance(0.1) else "")
                if home:
                    town, plz = "Lindenau", self.pick(LINDENAU_PLZ)
                else:
                    town, plz = self.pick(TOWNS_DE)
                s, key = f"{street} {no}, {plz} {town}", street
            else:
                street = self.pick(STREETS_EN)
                no = str(self.num(1, 140))
                if home:
                    town, pre = "Millbrook", MILLBROOK_PC + str(self.num(2, 9))
                else:
                    town, area = self.pick(TOWNS_EN)
                    pre = area + str(self.num(1, 19))
                unit = f"{self.num(1, 9)}{self.pick('ABDEFGHJLNPQRSTUWXYZ')}{self.pick('ABDEFGHJLNPQRSTUWXYZ')}"
                s, key = f"{no} {street}, {town} {pre} {unit}", street
            if key in self.used_addr:
                continue
            self.used_addr.add(key)
            return s

    def street_only(self):
        while True:
            street = self.pick(STREETS_DE if self.lang == "de" else STREETS_EN)
            if street not in self.used_addr:
                self.used_addr.add(street)
                return street

    def phone(self, city=False, ext=None, style=None):
        if self.lang == "en":
            n = ext if ext is not None else self.num(100, 999)
            return self.pick([f"01632 960{n:03d}", f"01632 960 {n:03d}", f"(01632) 960{n:03d}"])
        if city:
            n = ext if ext is not None else self.num(100, 499)
            forms = [f"06421 937-{n}", f"06421 937{n}", f"(06421) 937 {n}", f"06421/937-{n}"]
            return forms[style] if style is not None else self.pick(forms)
        ac = self.pick(["06421", "0641", "06031", "069", "0611", "06441", "06151", "06403"])
        digits = str(self.num(200000, 9899999))
        return self.pick([f"{ac} {digits}", f"{ac}/{digits}", f"{ac} {digits[:3]} {digits[3:]}"])

    def iban(self):
        """(IBAN as written, bank name, sort code, account number)."""
        if self.lang == "de":
            bban = f"{self.num(10000000, 79999999)}{self.num(0, 9999999999):010d}"
            raw, bank, sort, acct = make_iban("DE", bban), self.pick(BANKS_DE), None, None
        else:
            code, bank = self.pick(BANKS_EN)
            sort, acct = f"{self.num(100000, 999999)}", f"{self.num(10000000, 99999999)}"
            raw = make_iban("GB", code + sort + acct)
            sort = f"{sort[:2]}-{sort[2:4]}-{sort[4:]}"
        return (group4(raw) if self.chance(0.7) else raw), bank, sort, acct


def lines(*parts):
    return "\n".join(p for p in parts if p is not None)


def email_of(p, domain="example.org"):
    tr = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", "'": "", " ": "."})
    return f"{p.given.split()[0].lower().translate(tr)}.{p.family.lower().translate(tr)}@{domain}"


def slug(name):
    tr = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    return re.sub(r"[^a-z]", "", name.split()[0].lower().translate(tr))


# German forms of address
def de_addressee(p):
    return f"{'Frau' if p.sex == 'f' else 'Herrn'} {p.full}"


def de_hf(p):
    return "Frau" if p.sex == "f" else "Herr"


def de_salut(p):
    return f"Sehr geehrte Frau {p.family}," if p.sex == "f" else f"Sehr geehrter Herr {p.family},"


def en_addressee(p):
    return f"{p.title} {p.full}"


def en_salut(p):
    return f"Dear {p.title} {p.family},"


def split_addr(a):
    """'Straße 1, 12345 Ort' -> ('Straße 1', '12345 Ort')."""
    street, rest = a.split(", ", 1)
    return street, rest


# --------------------------------------------------------------------------------------
# Shared pieces for invoices
# --------------------------------------------------------------------------------------


def make_items(doc, cat_items, n):
    items = []
    for desc, lo, hi, unit in doc.rng.sample(cat_items, n):
        if unit:
            qty = doc.num(12, 180) if unit in ("m²", "m", "Zeilen", "lines") else doc.num(2, 12)
            up = doc.num(lo * 100, hi * 100) // 50 * 50
            if up == 0:
                up = 50 * doc.num(1, 4) + lo * 100
            items.append((desc, qty, unit, up, qty * up))
        else:
            items.append((desc, None, None, None, doc.num(lo * 100, hi * 100) // 5 * 5))
    return items


def vat_of(net, rate):
    return (net * rate + 50) // 100


def item_text(doc, it):
    desc, qty, unit, up, _ = it
    if qty is None:
        return desc
    each = "à" if doc.lang == "de" else "@"
    return f"{desc}, {qty} {unit} {each} {doc.a(up)}"


def invoice_number(doc, year):
    n = doc.num(101, 99999)
    if doc.lang == "de":
        return doc.pick([f"RE-{year}-{n:05d}", f"R{year}/{n:05d}", f"{year}-{n:05d}", f"RG {year % 100}{n:05d}"])
    return doc.pick([f"INV-{year}-{n:05d}", f"INV{n:06d}", f"{year % 100}/{n:05d}", f"SI-{n:05d}"])


def customer_number(doc):
    n = doc.num(1000, 99999)
    if doc.lang == "de":
        return doc.pick([f"KD-{n}", f"{n:06d}", f"K{n}"])
    return doc.pick([f"C{n:06d}", f"ACC-{n}", f"{n:06d}"])


# ======================================================================================
# German documents
# ======================================================================================


def invoice_de(doc):
    cname, catkey = doc.pick(COMPANIES_DE)
    cat = CATS_DE[catkey]
    doc.v("sender_name", cname)
    caddr = doc.addr(home=doc.chance(0.4))
    ctown = caddr.rsplit(", ", 1)[1].split(" ", 1)[1]
    cphone, cmail = doc.phone(), f"info@{slug(cname)}.example"
    cstaff = doc.person()
    to_city = (not cat["citizen"]) or doc.chance(0.5)
    if to_city:
        dept = doc.pick(DEPTS_DE)
        rec_block = f"Stadt Lindenau\n{dept}\n{RATHAUS_STREET_DE}\n{RATHAUS_PLZORT_DE}"
        rec_inline = f"Stadt Lindenau, {dept}, {RATHAUS_DE}"
        salut = "Sehr geehrte Damen und Herren,"
    else:
        p = doc.person()
        street, plzort = split_addr(doc.addr())
        rec_block = f"{de_addressee(p)}\n{street}\n{plzort}"
        rec_inline = f"{de_addressee(p)}, {street}, {plzort}"
        salut = de_salut(p)

    inv = doc.anchor()
    has_due, has_iban = not doc.absent("due_date"), not doc.absent("iban")
    due = doc.around(inv, doc.pick([10, 14, 14, 21, 30]), 30) if has_due else None
    iban, bank, _, _ = doc.iban()
    invno = doc.v("invoice_number", invoice_number(doc, inv.year))
    cust = customer_number(doc)
    rate = 19
    items = make_items(doc, cat["items"], doc.pick([1, 2, 2, 3, 3]))
    net = sum(it[4] for it in items)
    vat = vat_of(net, rate)
    total = net + vat
    doc.meta.update(net=net, vat=vat, total=total, rate=rate)
    if has_iban:
        doc.v("iban", iban)
    mref = f"ML-{doc.num(100000, 999999)}"

    def pay_sentence():
        if has_iban and has_due:
            return doc.one(
                lambda: f"Bitte überweisen Sie den Rechnungsbetrag bis zum {doc.d(due, 'due_date')} unter Angabe der Rechnungsnummer auf unser Konto bei der {bank}, IBAN: {iban}.",
                lambda: f"Wir bitten um Ausgleich des Rechnungsbetrags bis spätestens {doc.d(due, 'due_date')} auf das Konto IBAN {iban} ({bank}).",
                lambda: f"Zahlbar ohne Abzug bis {doc.d(due, 'due_date')}. Bankverbindung: {bank}, IBAN {iban}.",
            )
        if has_iban:
            return doc.pick([
                f"Bitte überweisen Sie den Rechnungsbetrag unter Angabe der Rechnungsnummer auf unser Konto bei der {bank}, IBAN: {iban}.",
                f"Bankverbindung: {bank}, IBAN {iban}. Bitte geben Sie bei der Zahlung die Rechnungsnummer an.",
            ])
        if has_due:
            return f"Der Rechnungsbetrag ist am {doc.d(due, 'due_date')} fällig und wird gemäß dem uns erteilten SEPA-Lastschriftmandat (Mandatsreferenz {mref}) von Ihrem Konto eingezogen."
        return f"Der Rechnungsbetrag wird gemäß dem uns erteilten SEPA-Lastschriftmandat (Mandatsreferenz {mref}) von Ihrem Konto eingezogen."

    tpl = doc.rng.randrange(4)
    if tpl == 0:
        p1 = doc.around(inv, -45, -25)
        p2 = doc.around(p1, 3, 20)
        item_lines = [f"- {item_text(doc, it)}: {doc.a(it[4])}" for it in items]
        intro = doc.pick([
            "für die im oben genannten Zeitraum erbrachten Leistungen erlauben wir uns, Ihnen Folgendes in Rechnung zu stellen:",
            f"für unsere {cat['job']} im oben genannten Leistungszeitraum berechnen wir Ihnen:",
            "vielen Dank für Ihren Auftrag. Wir stellen Ihnen die folgenden Leistungen in Rechnung:",
        ])
        text = lines(
            cname, caddr, f"Tel. {cphone} · E-Mail: {cmail}", "",
            rec_block, "",
            f"Rechnung Nr. {invno}",
            f"Rechnungsdatum: {doc.d(inv, 'invoice_date')}",
            f"Kundennummer: {cust}",
            f"Leistungszeitraum: {doc.d(p1)} bis {doc.d(p2)}", "",
            salut, "", intro, "", *item_lines, "",
            f"Nettobetrag: {doc.a(net)}",
            f"zzgl. {rate} % Umsatzsteuer: {doc.a(vat)}",
            f"{doc.pick(['Rechnungsbetrag', 'Gesamtbetrag', 'Gesamtbetrag (brutto)'])}: {doc.a(total, 'total_amount')}", "",
            pay_sentence(), "",
            "Mit freundlichen Grüßen", cname, "",
            f"USt-IdNr.: DE{doc.num(100000000, 999999999)}",
        )
    elif tpl == 1:
        order = doc.around(inv, -40, -20)
        work = doc.around(order, 3, 15)
        item_lines = [f"{item_text(doc, it)} … {doc.a(it[4])}" for it in items]
        due_line = None
        if has_due and doc.chance(0.5):
            due_line = f"Zahlungsziel: {doc.d(due, 'due_date')}"
            pay = f"Bankverbindung: {bank} · IBAN {iban}" if has_iban else f"Der Betrag wird per SEPA-Lastschrift eingezogen (Mandatsreferenz {mref})."
        else:
            pay = pay_sentence()
        text = lines(
            f"{cname} – {cat['job']}", f"{caddr} | Telefon {cphone}", "",
            "Rechnung", "",
            f"An: {rec_inline}",
            f"Rechnungsnummer: {invno}",
            f"Ihre Kundennummer: {cust}",
            f"Datum: {doc.d(inv, 'invoice_date')}", "",
            salut, "",
            doc.one(
                lambda: f"vielen Dank für Ihren Auftrag vom {doc.d(order)}. Die Arbeiten wurden am {doc.d(work)} ausgeführt. Wir berechnen:",
                lambda: f"bezugnehmend auf Ihre Bestellung vom {doc.d(order)} und die Ausführung am {doc.d(work)} stellen wir Ihnen in Rechnung:",
            ), "",
            *item_lines,
            f"Zwischensumme netto: {doc.a(net)}",
            f"Mehrwertsteuer {rate} %: {doc.a(vat)}",
            f"Gesamtbetrag: {doc.a(total, 'total_amount')}", "",
            due_line, pay, "",
            doc.pick(["Freundliche Grüße", "Mit freundlichen Grüßen", "Beste Grüße"]),
            cstaff.full, cname,
        )
    elif tpl == 2:
        deliv = doc.around(inv, -20, -2)
        po = f"{doc.num(4500000000, 4509999999)}"
        item_lines = [f"{i} | {item_text(doc, it)} | {doc.a(it[4])}" for i, it in enumerate(items, 1)]
        text = lines(
            f"RECHNUNG {invno}", f"{cname} · {caddr}", "",
            f"Rechnungsempfänger: {rec_inline}",
            f"Rechnungsdatum: {doc.d(inv, 'invoice_date')} | Lieferdatum: {doc.d(deliv)}",
            f"Bestellnummer: {po} | Kunden-Nr.: {cust}", "",
            "Pos. | Bezeichnung | Betrag", *item_lines,
            f"Summe netto: {doc.a(net)}",
            f"USt. {rate} %: {doc.a(vat)}",
            f"{doc.pick(['Zu zahlender Betrag', 'Endbetrag', 'Rechnungsbetrag'])}: {doc.a(total, 'total_amount')}", "",
            pay_sentence(), "",
            f"Vielen Dank für Ihren Auftrag! Bei Fragen zur Rechnung erreichen Sie uns unter {cphone} oder {cmail}.",
            f"{cname} · Geschäftsführung: {cstaff.full} · Amtsgericht Lindenau HRB {doc.num(1000, 9999)}",
        )
    else:
        p1 = doc.around(inv, -40, -20)
        p2 = doc.around(p1, 2, 15)
        if has_iban and has_due:
            pay = doc.one(
                lambda: f"Wir bitten Sie, den Betrag bis spätestens {doc.d(due, 'due_date')} auf unser Konto {iban} bei der {bank} zu überweisen und dabei Ihre Kundennummer {cust} sowie die Rechnungsnummer anzugeben.",
                lambda: f"Bitte begleichen Sie die Rechnung bis zum {doc.d(due, 'due_date')} per Überweisung (IBAN {iban}, {bank}); als Verwendungszweck genügen Rechnungs- und Kundennummer ({cust}).",
            )
        elif has_iban:
            pay = f"Wir bitten Sie, den Betrag auf unser Konto {iban} bei der {bank} zu überweisen und dabei Ihre Kundennummer {cust} sowie die Rechnungsnummer anzugeben."
        else:
            pay = pay_sentence() + f" Ihre Kundennummer lautet {cust}."
        text = lines(
            cname, caddr, "",
            rec_block, "",
            f"{ctown}, {doc.d(inv, 'invoice_date')}", "",
            f"Rechnung {invno} – {cat['job']}", "",
            salut, "",
            f"wie vereinbart haben wir in der Zeit vom {doc.d(p1)} bis {doc.d(p2)} {cat['prose']}. "
            f"Hierfür stellen wir Ihnen {doc.a(total, 'total_amount')} in Rechnung. Der Betrag setzt sich aus "
            f"{doc.a(net)} netto und {doc.a(vat)} Umsatzsteuer ({rate} %) zusammen; die Einzelpositionen "
            "entnehmen Sie bitte der beigefügten Aufstellung.", "",
            pay, "",
            f"Für Rückfragen steht Ihnen {de_hf(cstaff)} {cstaff.family} unter {cphone} gern zur Verfügung.", "",
            "Mit freundlichen Grüßen", "", cstaff.full, cname,
        )
    fields = {
        "invoice_number": invno,
        "invoice_date": inv.isoformat(),
        "due_date": due.isoformat() if has_due else None,
        "total_amount": gold_amount(total),
        "sender_name": cname,
        "iban": iban if has_iban else None,
    }
    return text, fields


def case_number_de(doc, year):
    n = doc.num(101, 9999)
    return doc.pick([
        f"{doc.pick(['32', '63', '50', '66', '36'])}-{year}-{n:05d}",
        f"{doc.pick(['BA', 'SN', 'GB', 'OA', 'FV'])}/{year}/{n:04d}",
        f"{doc.pick(['63', '32', '67'])}.{doc.num(1, 9)}-{n:04d}/{year % 100}",
        f"AZ {n}-{year % 100}",
    ])


def kassenzeichen(doc):
    return f"{doc.num(1, 9)}.{doc.num(1000, 9999)}.{doc.num(0, 999999):06d}.{doc.num(0, 9)}"


def plate_de(doc):
    return f"LDA-{doc.pick('ABCDEFGHKLMNPRSTUVWZ')}{doc.pick('ABCDEFGHKLMNPRSTUVWZ')} {doc.num(10, 9999)}"


def fee_purpose_de(doc, prop):
    """(dept, subject, notice date, intro text, [(label, cents)]) for a German fee notice."""
    kind = doc.rng.randrange(6)
    if kind == 0:
        notice = doc.anchor()
        p1 = doc.around(notice, -50, -20)
        p2 = doc.around(p1, 2, 14)
        perm = doc.around(p1, -25, -3)
        days = (p2 - p1).days + 1
        per_day = doc.num(5, 16) * 50
        intro = (f"mit Erlaubnis vom {doc.d(perm)} durften Sie in der Zeit vom {doc.d(p1)} bis {doc.d(p2)} "
                 f"einen Bauschuttcontainer auf der öffentlichen Verkehrsfläche vor dem {prop} aufstellen. "
                 "Für diese Sondernutzung werden folgende Gebühren festgesetzt:")
        comps = [(f"Sondernutzungsgebühr ({days} Tage à {doc.a(per_day)})", days * per_day),
                 ("Verwaltungsgebühr", doc.num(25, 60) * 100)]
        return "Straßenverkehrsbehörde", "Sondernutzung öffentlicher Verkehrsflächen", notice, intro, comps
    if kind == 1:
        notice = doc.anchor()
        antrag = doc.around(notice, -60, -30)
        gen = doc.around(notice, -14, -1)
        what = doc.pick(["eines Carports", "eines Einfamilienhauses", "eines Wintergartens",
                         "einer Doppelgarage", "eines Anbaus", "einer Dachgaube"])
        intro = (f"auf Ihren Bauantrag vom {doc.d(antrag)} für die Errichtung {what} auf dem {prop} wurde "
                 f"die Baugenehmigung am {doc.d(gen)} erteilt. Hierfür werden folgende Gebühren erhoben:")
        comps = [("Genehmigungsgebühr", doc.num(250, 2500) * 100 + doc.pick([0, 0, 50])),
                 ("Gebühr für die Prüfung der Standsicherheit", doc.num(100, 900) * 100),
                 ("Auslagen (Zustellung, Kopien)", doc.num(350, 2800))]
        return "Bauordnungsamt", "Gebühren für die Baugenehmigung", notice, intro, comps
    if kind == 2:
        year = doc.num(2025, 2027)
        p1, p2 = doc.fixed_date(dt.date(year, 1, 1)), doc.fixed_date(dt.date(year, 12, 31))
        notice = doc.new_date(dt.date(year, 1, 10), dt.date(year, 3, 31))
        litre = doc.pick([60, 80, 120, 240])
        intro = (f"für das {prop} werden für den Veranlagungszeitraum {doc.d(p1)} bis {doc.d(p2)} "
                 "folgende Abfallgebühren festgesetzt:")
        comps = [(f"Restabfallbehälter {litre} l, 14-tägliche Leerung", doc.num(90, 320) * 100 + doc.pick([0, 40, 80])),
                 ("Bioabfallbehälter 120 l", doc.num(45, 120) * 100 + doc.pick([0, 20, 60])),
                 ("Grundgebühr je Haushalt", doc.num(30, 90) * 100)]
        return "Amt für Abfallwirtschaft", "Abfallgebühren", notice, intro, comps
    if kind == 3:
        notice = doc.anchor()
        antrag = doc.around(notice, -30, -5)
        p1 = doc.around(notice, 1, 20)
        p2 = doc.fixed_date(p1.replace(year=p1.year + 1) - dt.timedelta(days=1)) if p1.year < 2027 else None
        valid = f"für den Zeitraum vom {doc.d(p1)} bis {doc.d(p2)}" if p2 else f"ab dem {doc.d(p1)} für zwölf Monate"
        intro = (f"auf Ihren Antrag vom {doc.d(antrag)} wurde Ihnen ein Bewohnerparkausweis für die Zone "
                 f"{doc.pick('ABCDEF')}{doc.num(1, 6)} und das Fahrzeug mit dem amtlichen Kennzeichen {plate_de(doc)} "
                 f"{valid} erteilt.")
        comps = [("Gebühr für den Bewohnerparkausweis", doc.num(30, 200) * 100 + doc.pick([0, 70]))]
        return "Straßenverkehrsbehörde", "Gebühr für einen Bewohnerparkausweis", notice, intro, comps
    if kind == 4:
        notice = doc.anchor()
        event = doc.around(notice, -30, -7)
        intro = (f"am {doc.d(event)} war das auf Sie zugelassene Fahrzeug mit dem amtlichen Kennzeichen "
                 f"{plate_de(doc)} vor dem Haus {doc.street_only()} {doc.num(1, 90)} verbotswidrig in einer Feuerwehrzufahrt abgestellt "
                 "und musste abgeschleppt werden. Die dadurch entstandenen Kosten werden Ihnen wie folgt auferlegt:")
        comps = [("Abschleppkosten (Rechnung des beauftragten Unternehmens)", doc.num(150, 320) * 100 + doc.pick([0, 50])),
                 ("Verwaltungsgebühr", doc.num(40, 90) * 100),
                 ("Auslagen für die Zustellung", doc.num(300, 450))]
        return "Ordnungsamt", "Kosten einer Abschleppmaßnahme", notice, intro, comps
    notice = doc.anchor()
    years = doc.pick([5, 10, 15, 20])
    per_year = doc.num(20, 75) * 100
    grave = f"Feld {doc.num(1, 24)}, Reihe {doc.num(1, 30)}, Nr. {doc.num(1, 40)}"
    antrag = doc.around(notice, -40, -7)
    intro = (f"auf Ihren Antrag vom {doc.d(antrag)} wird das Nutzungsrecht an der Wahlgrabstätte {grave} "
             f"auf dem Waldfriedhof Lindenau um {years} Jahre verlängert. Nach der Friedhofsgebührensatzung "
             "werden dafür folgende Gebühren erhoben:")
    comps = [(f"Nutzungsgebühr ({years} Jahre à {doc.a(per_year)})", years * per_year),
             ("Verwaltungsgebühr", doc.num(20, 45) * 100)]
    return "Friedhofsverwaltung", "Verlängerung eines Grabnutzungsrechts", notice, intro, comps


def fee_notice_de(doc):
    p = doc.person()
    has_addr, has_deadline = not doc.absent("recipient_address"), not doc.absent("payment_deadline")
    addr = doc.v("recipient_address", doc.addr()) if has_addr else None
    doc.v("recipient_name", p.full)
    if has_addr and doc.chance(0.7):
        prop = f"Grundstück {doc.addr()}" if doc.chance(0.5) else f"Grundstück {doc.street_only()} {doc.num(1, 90)}"
    else:
        prop = f"Grundstück Gemarkung Lindenau, Flur {doc.num(1, 19)}, Flurstück {doc.num(10, 480)}/{doc.num(1, 9)}"
    dept, subject, notice, intro, comps = fee_purpose_de(doc, prop)
    total = sum(c for _, c in comps)
    doc.meta.update(total=total)
    year = notice.year
    az = doc.v("case_number", case_number_de(doc, year))
    kz = kassenzeichen(doc)
    deadline = doc.around(notice, 14, 35) if has_deadline else None
    staff = doc.person()
    city_iban = group4(CITY_IBAN_DE)

    if len(comps) > 1:
        comp_lines = [f"{label}: {doc.a(c)}" for label, c in comps]
        sum_line = f"{doc.pick(['Gesamtbetrag', 'Festgesetzter Gesamtbetrag', 'Summe'])}: {doc.a(total, 'amount')}"
        amount_block = [*comp_lines, sum_line]
    else:
        amount_block = [f"Die Gebühr wird auf {doc.a(total, 'amount')} festgesetzt."]

    if has_deadline:
        pay = doc.one(
            lambda: f"Bitte überweisen Sie den Betrag bis zum {doc.d(deadline, 'payment_deadline')} unter Angabe des Kassenzeichens {kz} auf das Konto der Stadtkasse Lindenau, IBAN {city_iban}.",
            lambda: f"Der Betrag ist bis spätestens {doc.d(deadline, 'payment_deadline')} an die Stadtkasse Lindenau (IBAN {city_iban}) zu zahlen. Verwendungszweck: Kassenzeichen {kz}.",
            lambda: f"Zahlungsfrist: {doc.d(deadline, 'payment_deadline')}. Bitte geben Sie bei der Überweisung an die Stadtkasse Lindenau (IBAN {city_iban}) das Kassenzeichen {kz} an.",
        )
    else:
        pay = doc.pick([
            f"Der Betrag wird aufgrund des vorliegenden SEPA-Lastschriftmandats von Ihrem Konto abgebucht; Sie müssen nichts weiter veranlassen. Kassenzeichen: {kz}.",
            f"Sie haben der Stadtkasse Lindenau ein SEPA-Lastschriftmandat erteilt. Der Betrag wird daher unter dem Kassenzeichen {kz} von Ihrem Konto eingezogen.",
        ])
    rbb = doc.pick([
        "Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch bei der Stadt Lindenau erhoben werden.",
        "Gegen diesen Bescheid können Sie innerhalb eines Monats nach seiner Bekanntgabe schriftlich oder zur Niederschrift bei der Stadt Lindenau Widerspruch einlegen. Der Widerspruch hat keine aufschiebende Wirkung.",
    ])
    if has_addr:
        rec_block = [de_addressee(p), addr]
    else:
        rec_block = [de_addressee(p), "(elektronische Zustellung über das Servicekonto Lindenau)"]

    tpl = doc.rng.randrange(4)
    if tpl == 0:
        text = lines(
            f"Stadt Lindenau · {dept} · {RATHAUS_DE}", "",
            *rec_block, "",
            f"Aktenzeichen: {az}", f"Kassenzeichen: {kz}", f"Datum: {doc.d(notice, 'notice_date')}", "",
            f"Gebührenbescheid – {subject}", "",
            de_salut(p), "",
            intro, "", *amount_block, "",
            pay, "", rbb, "",
            "Mit freundlichen Grüßen", "Im Auftrag", staff.full,
        )
    elif tpl == 1:
        debtor = f"{p.full}, {addr}" if has_addr else p.full
        text = lines(
            "STADT LINDENAU", dept, "",
            f"Gebührenbescheid vom {doc.d(notice, 'notice_date')}",
            f"Geschäftszeichen: {az}",
            f"Gebührenschuldner/in: {debtor}",
            f"Gegenstand: {subject}", "",
            de_salut(p), "",
            intro, "", *amount_block, "",
            pay, "",
            "Wird die Gebühr nicht rechtzeitig entrichtet, ist für jeden angefangenen Monat der Säumnis ein Säumniszuschlag von 1 % des rückständigen Betrags zu zahlen.", "",
            f"Mit freundlichen Grüßen\n{staff.full}\nSachbearbeitung {dept}",
        )
    elif tpl == 2:
        text = lines(
            f"Stadt Lindenau – {dept}", RATHAUS_DE, "",
            *rec_block, "",
            f"Lindenau, den {doc.d(notice, 'notice_date')}",
            f"Unser Zeichen: {az}", "",
            f"Ihr Gebührenbescheid: {subject}", "",
            f"Guten Tag {de_hf(p)} {p.family},", "",
            intro, "", *amount_block, "",
            pay, "",
            f"Haben Sie Fragen zu diesem Bescheid? Dann wenden Sie sich bitte an {de_addressee(staff)}. {rbb}", "",
            "Freundliche Grüße", f"Ihre Stadtverwaltung Lindenau, {dept}",
        )
    else:
        text = lines(
            f"Stadt Lindenau | {dept} | {RATHAUS_DE}", "",
            "Bescheid über die Festsetzung von Gebühren", "",
            f"Empfänger: {p.full}" + (f", {addr}" if has_addr else " (Zustellung über das Servicekonto)"),
            f"Bescheiddatum: {doc.d(notice, 'notice_date')}",
            f"Aktenzeichen: {az} · Kassenzeichen: {kz}", "",
            de_salut(p), "",
            intro, "", *amount_block, "",
            pay, "", rbb, "",
            "Im Auftrag", staff.full,
        )
    fields = {
        "case_number": az,
        "notice_date": notice.isoformat(),
        "amount": gold_amount(total),
        "payment_deadline": deadline.isoformat() if has_deadline else None,
        "recipient_name": p.full,
        "recipient_address": addr,
    }
    return text, fields


OFFICES_DE = [
    ("Bürgerbüro Lindenau-Mitte", "im", "des", ["die Beantragung eines Personalausweises", "die Beantragung eines Reisepasses", "Ihre Wohnsitzummeldung"],
     ["Ihren bisherigen Ausweis", "ein aktuelles biometrisches Passfoto"]),
    ("Bürgerbüro Lindenau-Nord", "im", "des", ["die Beantragung eines Reisepasses", "die Abholung Ihres Personalausweises", "die Beglaubigung von Dokumenten"],
     ["Ihren Personalausweis", "die zu beglaubigenden Originaldokumente"]),
    ("Standesamt Lindenau", "im", "des", ["die Anmeldung Ihrer Eheschließung", "die Beurkundung der Geburt Ihres Kindes", "eine Namenserklärung"],
     ["Ihre Geburtsurkunde", "Ihren Personalausweis", "eine erweiterte Meldebescheinigung"]),
    ("Ausländerbehörde", "in der", "der", ["die Verlängerung Ihres Aufenthaltstitels", "die Aushändigung Ihres elektronischen Aufenthaltstitels", "Ihren Antrag auf Niederlassungserlaubnis"],
     ["Ihren Reisepass", "ein biometrisches Passfoto", "Nachweise über Ihr Einkommen"]),
    ("Fahrerlaubnisbehörde", "in der", "der", ["den Umtausch Ihres Führerscheins", "die Ausstellung eines internationalen Führerscheins"],
     ["Ihren bisherigen Führerschein", "Ihren Personalausweis", "ein biometrisches Passfoto"]),
    ("Wohngeldstelle", "in der", "der", ["die Besprechung Ihres Wohngeldantrags"],
     ["Ihren Mietvertrag", "Einkommensnachweise der letzten drei Monate", "Ihre Kontoauszüge"]),
    ("Bauordnungsamt", "im", "des", ["die Erörterung Ihres Bauantrags", "eine Bauberatung zu Ihrem Vorhaben"],
     ["die vollständigen Bauvorlagen", "einen aktuellen Lageplan"]),
    ("Amt für Soziales und Wohnen", "im", "des", ["ein Beratungsgespräch zu Ihrem Antrag auf Grundsicherung", "die Prüfung Ihres Wohnberechtigungsscheins"],
     ["Ihren Personalausweis", "aktuelle Einkommensnachweise"]),
    ("Gewerbeamt", "im", "des", ["Ihre Gewerbeanmeldung", "die Erteilung einer Reisegewerbekarte"],
     ["Ihren Personalausweis", "ein aktuelles Führungszeugnis"]),
    ("Steueramt", "im", "des", ["die Klärung Ihrer Grundsteuerfestsetzung", "Rückfragen zur Hundesteuer"],
     ["den letzten Steuerbescheid", "Ihre Unterlagen zum Grundstück"]),
]  # fmt: skip
BUILDINGS_DE = ["Rathaus, Rathausplatz 1", "Technisches Rathaus, Bahnhofstraße 12", "Verwaltungsgebäude Am Markt 5",
                "Stadthaus, Kirchgasse 3"]  # fmt: skip
OPENING_DE = [
    ("Mo–Mi 8:00–16:00 Uhr, Do 8:00–18:00 Uhr, Fr 8:00–12:00 Uhr", [(8, 0), (16, 0), (18, 0), (12, 0)]),
    ("montags bis freitags von 7:30 bis 12:30 Uhr sowie donnerstags von 14:00 bis 18:00 Uhr", [(7, 30), (12, 30), (14, 0), (18, 0)]),
]  # fmt: skip


def noun_de(service):
    """'die Besprechung Ihres Antrags' -> 'Besprechung Ihres Antrags' (for subject lines)."""
    first, rest = service.split(" ", 1)
    if first in ("die", "den", "eine", "ein", "Ihre", "Ihren"):
        service = rest
    return service[0].upper() + service[1:]


def appt_time(doc, avoid=()):
    while True:
        h, m = doc.num(8, 15), doc.pick([0, 10, 15, 20, 30, 30, 30, 40, 45, 50])
        if (h, m) not in avoid:
            return h, m


def appointment_de(doc):
    office, art, gen, services, docs = doc.pick(OFFICES_DE)
    doc.v("office", office)
    service = doc.pick(services)
    building = doc.pick(BUILDINGS_DE)
    room = f"{doc.pick(['Zimmer', 'Raum'])} {doc.num(0, 3)}{doc.num(0, 4)}{doc.num(1, 9)}"
    p = doc.person()
    has_case, has_contact, has_phone = (not doc.absent(f) for f in ("case_number", "contact_person", "phone"))
    letter = doc.anchor()
    appt = doc.around(letter, 4, 40, weekday=True)
    opening, open_times = doc.pick(OPENING_DE)
    h, m = appt_time(doc, avoid=[t for o in OPENING_DE for t in o[1]])
    case = doc.v("case_number", case_number_de(doc, letter.year)) if has_case else None
    staff = doc.person() if has_contact else None
    if staff:
        doc.v("contact_person", staff.full)
    pstyle = doc.rng.randrange(4)
    phone = doc.v("phone", doc.phone(city=True, style=pstyle)) if has_phone else None
    fax = doc.phone(city=True, ext=doc.num(500, 599), style=pstyle) if has_phone and doc.chance(0.4) else None
    mail = f"{slug(office)}@lindenau.example"
    docs_txt = " und ".join([", ".join(docs[:-1]), docs[-1]]) if len(docs) > 1 else docs[0]

    def contact_sentence():
        fx = f" (Fax {fax})" if fax else ""
        if staff and phone:
            return doc.pick([
                f"Für Rückfragen erreichen Sie mich unter der Telefonnummer {phone}{fx}.",
                f"{'Ihre Ansprechpartnerin' if staff.sex == 'f' else 'Ihr Ansprechpartner'} ist {staff.full}, Telefon {phone}{fx}." if doc.chance(0.3)
                else f"Bei Fragen wenden Sie sich bitte an {de_addressee(staff)}, Telefon {phone}{fx}.",
            ])
        if staff:
            return f"Bei Fragen wenden Sie sich bitte an {de_addressee(staff)}, per E-Mail an {mail}."
        if phone:
            return f"Rückfragen richten Sie bitte an unser Servicetelefon {phone}{fx}."
        return f"Rückfragen richten Sie bitte per E-Mail an {mail}."

    closing = ["Mit freundlichen Grüßen", "Im Auftrag", staff.full] if staff else \
        ["Mit freundlichen Grüßen", f"Ihr Team {gen} {office}"]
    tpl = doc.rng.randrange(4)
    if tpl == 0:
        req = doc.around(letter, -20, -2)
        cancel = doc.around(appt, -4, -1, weekday=True)
        if cancel <= letter:
            cancel = None
        cancel_txt = (f"Sollten Sie den Termin nicht wahrnehmen können, sagen Sie ihn bitte bis spätestens {doc.d(cancel)} ab, damit wir ihn anderweitig vergeben können."
                      if cancel else "Sollten Sie den Termin nicht wahrnehmen können, sagen Sie ihn bitte möglichst frühzeitig ab.")
        text = lines(
            "Stadt Lindenau", office, building, "",
            de_addressee(p), doc.addr(), "",
            f"Aktenzeichen: {case}" if case else None,
            f"Lindenau, {doc.d(letter)}", "",
            f"Terminbestätigung – {noun_de(service)}", "",
            de_salut(p), "",
            f"vielen Dank für Ihre Terminanfrage vom {doc.d(req)}. Hiermit bestätigen wir Ihnen folgenden Termin:", "",
            f"Datum: {doc.d(appt, 'appointment_date', wd=doc.chance(0.5))}",
            f"Uhrzeit: {doc.t(h, m, 'appointment_time', words_ok=False)}",
            f"Ort: {office}, {building}, {room}", "",
            f"Bitte bringen Sie {docs_txt} mit. {cancel_txt}", "",
            contact_sentence(), "",
            *closing,
        )
    elif tpl == 1:
        for hh, mm in open_times:
            doc.note_time(hh, mm)
        text = lines(
            f"Betreff: Bestätigung Ihres Termins – {office}", "",
            f"Guten Tag {de_addressee(p).replace('Herrn', 'Herr')},", "",
            "Ihr Termin wurde erfolgreich gebucht. Bitte notieren Sie sich die folgenden Angaben:", "",
            f"Vorgangsnummer: {case}" if case else None,
            f"Anliegen: {noun_de(service)}",
            f"Termin: {doc.d(appt, 'appointment_date', wd=True)}, {doc.t(h, m, 'appointment_time', words_ok=False)}",
            f"Standort: {office}, {building}, {room}", "",
            f"Bitte erscheinen Sie etwa zehn Minuten vor Beginn Ihres Termins und bringen Sie {docs_txt} mit. Eine Absage ist online bis 24 Stunden vor dem Termin möglich.", "",
            f"Öffnungszeiten {gen} {office}: {opening}.", "",
            contact_sentence(), "",
            "Diese Nachricht wurde automatisch erstellt.",
            "Freundliche Grüße", f"{staff.full}, Stadt Lindenau" if staff else f"Ihre Stadtverwaltung Lindenau – {office}",
        )
    elif tpl == 2:
        text = lines(
            f"Stadt Lindenau – {office}", building, "",
            de_addressee(p), doc.addr(), "",
            f"Unser Zeichen: {case}" if case else None,
            f"Datum: {doc.d(letter)}", "",
            "Einladung zur persönlichen Vorsprache", "",
            de_salut(p), "",
            f"in Ihrer Angelegenheit ({noun_de(service)}) bitten wir Sie, am {doc.d(appt, 'appointment_date', wd=doc.chance(0.6))} "
            f"um {doc.t(h, m, 'appointment_time')} persönlich {art} {office} ({building}, {room}) vorzusprechen.", "",
            f"Bitte bringen Sie {docs_txt} mit. Ohne vollständige Unterlagen kann Ihr Anliegen leider nicht abschließend bearbeitet werden. "
            "Falls Sie verhindert sind, teilen Sie uns dies bitte umgehend mit.", "",
            contact_sentence(), "",
            *closing,
        )
    else:
        old = doc.around(letter, 2, 25, weekday=True)
        oh, om = appt_time(doc, avoid=[(h, m)])
        text = lines(
            f"Stadt Lindenau · {office} · {building}", "",
            de_addressee(p), doc.addr(), "",
            f"Lindenau, {doc.d(letter)}",
            f"Vorgangsnummer: {case}" if case else None, "",
            "Verlegung Ihres Termins", "",
            de_salut(p), "",
            f"leider müssen wir Ihren Termin am {doc.d(old)} um {doc.t(oh, om)} für {service} aus organisatorischen Gründen absagen. "
            "Wir bitten um Ihr Verständnis.", "",
            f"Als neuen Termin haben wir für Sie {doc.d(appt, 'appointment_date', wd=True)}, {doc.t(h, m, 'appointment_time')}, "
            f"{art} {office} reserviert (Ort: {building}, {room}). "
            f"Bitte denken Sie daran, {docs_txt} mitzubringen.", "",
            f"Sollte Ihnen der neue Termin nicht passen, melden Sie sich bitte bei uns. {contact_sentence()}", "",
            *closing,
        )
    fields = {
        "case_number": case,
        "appointment_date": appt.isoformat(),
        "appointment_time": f"{h:02d}:{m:02d}",
        "office": office,
        "contact_person": staff.full if staff else None,
        "phone": phone,
    }
    return text, fields


CITIZEN_TOPICS_DE = [
    ("Widerspruch gegen den Gebührenbescheid", "Ordnungsamt", "ref",
     "gegen Ihren Gebührenbescheid vom {prev} lege ich hiermit Widerspruch ein. Die Gebühr wurde für einen Zeitraum berechnet, in dem ich das Grundstück noch gar nicht genutzt habe. Ich bitte Sie, den Bescheid zu überprüfen und entsprechend zu korrigieren."),
    ("Defekte Straßenbeleuchtung", "Tiefbauamt", "any",
     "seit dem {prev} ist die Straßenlaterne vor dem Haus {street} {no} defekt. Gerade in den Abendstunden ist der Gehweg dort kaum zu erkennen, was besonders für ältere Nachbarn gefährlich ist. Ich bitte Sie, den Schaden zu beheben."),
    ("Sachstandsanfrage zu meinem Bauantrag", "Bauordnungsamt", "ref",
     "am {prev} habe ich bei Ihnen einen Bauantrag für einen Carport eingereicht. Bislang habe ich weder eine Eingangsbestätigung noch eine Nachricht über fehlende Unterlagen erhalten. Ich bitte Sie daher um Auskunft über den Stand der Bearbeitung."),
    ("Nicht abgeholter Sperrmüll", "Amt für Abfallwirtschaft", "any",
     "für den {prev} hatte ich eine Sperrmüllabholung angemeldet und die Gegenstände fristgerecht bereitgestellt. Abgeholt wurde jedoch nichts, die Möbel stehen noch immer vor dem Haus. Ich bitte um einen neuen Abholtermin."),
    ("Beschwerde über Baustellenlärm", "Ordnungsamt", "any",
     "seit dem {prev} wird auf der Baustelle {street} {no} regelmäßig schon ab sechs Uhr morgens mit schwerem Gerät gearbeitet, auch an Samstagen. Ich bitte Sie zu prüfen, ob diese Arbeitszeiten zulässig sind, und gegebenenfalls einzuschreiten."),
    ("Antrag auf Erstattung der Kita-Gebühren", "Amt für Kinder und Familie", "ref",
     "die Kita meiner Tochter war vom {prev} an wegen Personalmangels für mehrere Wochen geschlossen. Die Beiträge wurden trotzdem in voller Höhe abgebucht. Ich beantrage hiermit die anteilige Erstattung der Gebühren für diesen Zeitraum."),
    ("Rückschnitt eines Straßenbaums", "Amt für Stadtgrün", "any",
     "die Äste des städtischen Baums vor dem Haus {street} {no} ragen inzwischen bis an die Fenster im ersten Stock. Bei einem Sturm am {prev} ist bereits ein großer Ast auf den Gehweg gefallen. Ich bitte darum, den Baum zurückschneiden zu lassen."),
    ("Bitte um Akteneinsicht", "Bauordnungsamt", "ref",
     "in dem Verfahren zur Bebauung des Nachbargrundstücks habe ich mit Schreiben vom {prev} Einwendungen erhoben. Ich möchte nun Einsicht in die Verfahrensakte nehmen und bitte Sie, mir dafür einen Termin zu nennen."),
]  # fmt: skip


def citizen_letter_de(doc):
    p = doc.person()
    doc.v("sender_name", p.full)
    has_addr, has_date, has_ref, has_dl = (
        not doc.absent(f) for f in ("sender_address", "letter_date", "reference_number", "requested_deadline"))
    addr = doc.v("sender_address", doc.addr()) if has_addr else None
    subject, dept, _, body_tpl = doc.pick(CITIZEN_TOPICS_DE)
    letter = doc.anchor()
    prev = doc.around(letter, -45, -5)
    deadline = doc.around(letter, 10, 40) if has_dl else None
    ref = doc.v("reference_number", case_number_de(doc, prev.year)) if has_ref else None
    body = body_tpl.format(prev=doc.d(prev), street=doc.street_only(), no=doc.num(1, 60))
    staff = doc.person() if doc.chance(0.35) else None

    if has_dl:
        dl = doc.one(
            lambda: f"Ich bitte um Ihre Antwort bis zum {doc.d(deadline, 'requested_deadline')}.",
            lambda: f"Bitte teilen Sie mir bis spätestens {doc.d(deadline, 'requested_deadline')} mit, wie Sie weiter vorgehen werden.",
            lambda: f"Für eine Rückmeldung bis {doc.d(deadline, 'requested_deadline')} wäre ich Ihnen sehr dankbar.",
            lambda: f"Ich erwarte Ihre Stellungnahme bis zum {doc.d(deadline, 'requested_deadline')}.",
        )
    else:
        dl = doc.pick([
            "Ich bitte um eine zeitnahe Rückmeldung.",
            "Über eine baldige Antwort würde ich mich freuen.",
            "Für eine kurze Rückmeldung wäre ich Ihnen dankbar.",
        ])
    ref_sentence = f"Das Aktenzeichen lautet {ref}." if ref else None
    salut = f"Sehr geehrte{'' if staff.sex == 'f' else 'r'} {de_hf(staff)} {staff.family}," if staff else "Sehr geehrte Damen und Herren,"
    tpl = doc.rng.randrange(4)
    letter_txt = doc.d(letter, "letter_date") if has_date and tpl != 1 else None
    if tpl == 0:
        text = lines(
            p.full if not has_addr else (f"{p.full}\n{addr}" if doc.chance(0.5) else f"{p.full} · {addr}"), "",
            "Stadt Lindenau", dept + (f"\nz. Hd. {de_addressee(staff)}" if staff else ""),
            RATHAUS_DE if doc.chance(0.5) else f"{RATHAUS_STREET_DE}\n{RATHAUS_PLZORT_DE}", "",
            f"Lindenau, {letter_txt}" if has_date else None,
            f"Ihr Zeichen: {ref}" if ref else None, "",
            f"Betreff: {subject}", "",
            salut, "",
            body, "",
            dl, "",
            "Mit freundlichen Grüßen", "", p.full,
        )
    elif tpl == 1:
        email = email_of(p)
        sent = f"Gesendet: {doc.d(letter, 'letter_date', wd=True, style='long')} {doc.num(7, 22)}:{doc.num(0, 59):02d}" if has_date else None
        text = lines(
            f"Von: {p.full} <{email}>",
            sent,
            f"An: {slug(dept)}@lindenau.example",
            f"Betreff: {subject}" + (f" (Az. {ref})" if ref and doc.chance(0.5) else ""), "",
            salut if doc.chance(0.6) else "Guten Tag,", "",
            body + (f" {ref_sentence}" if ref else ""), "",
            dl, "",
            doc.pick(["Viele Grüße", "Mit freundlichen Grüßen", "Freundliche Grüße"]),
            p.full, addr,
        )
    elif tpl == 2:
        intro = f"mein Name ist {p.full}" + (f", ich wohne unter der Anschrift {addr}." if has_addr else ".")
        text = lines(
            f"Lindenau, den {letter_txt}" if has_date else None, "" if has_date else None,
            f"An die Stadtverwaltung Lindenau – {dept}", "",
            salut, "",
            f"{intro} {ref_sentence or ''}".strip(), "",
            body[0].upper() + body[1:], "",
            dl, "",
            "Vielen Dank im Voraus und freundliche Grüße", p.full,
        )
    else:
        head = f"{p.full}, {addr}" if has_addr else p.full
        text = lines(
            head, "",
            "An die Stadt Lindenau", f"– {dept} –", RATHAUS_DE, "",
            letter_txt, "" if has_date else None,
            f"{subject}" + (f"\nAktenzeichen: {ref}" if ref else ""), "",
            salut, "",
            body, "",
            "Ich bitte Sie, mein Anliegen sorgfältig zu prüfen. " + dl, "",
            "Mit freundlichen Grüßen", p.full,
        )
    fields = {
        "sender_name": p.full,
        "sender_address": addr,
        "letter_date": letter.isoformat() if has_date else None,
        "reference_number": ref,
        "requested_deadline": deadline.isoformat() if has_dl else None,
    }
    return text, fields


BIRTHPLACES_DE = ["Lindenau", "Kassel", "Gießen", "Fulda", "Erfurt", "Krakau", "Izmir", "Leipzig",
                  "Hannover", "Bukarest", "Würzburg", "Aleppo", "Danzig", "Marburg"]  # fmt: skip


def birth_date(doc):
    return doc.new_date(dt.date(1942, 1, 1), dt.date(2006, 12, 31), clamp=False)


def registration_de(doc):
    p = doc.person(two_given_p=0.15)
    doc.v("family_name", p.family)
    doc.v("given_name", p.given)
    has_prev = not doc.absent("previous_address")
    bd = birth_date(doc)
    move = doc.anchor()
    sign = doc.around(move, 1, 13)
    new = doc.v("new_address", doc.addr())
    prev = doc.v("previous_address", doc.addr(home=doc.chance(0.3))) if has_prev else None
    landlord = doc.person()
    l_addr = doc.addr(home=doc.chance(0.5))
    bplace = doc.pick(BIRTHPLACES_DE)
    nat = doc.pick(["deutsch", "deutsch", "deutsch", "polnisch", "türkisch", "rumänisch"])
    fam = doc.pick(["ledig", "verheiratet", "geschieden", "verwitwet"])
    tpl = doc.rng.randrange(4)
    if tpl == 0:
        text = lines(
            "Stadt Lindenau – Bürgerbüro",
            "Anmeldung bei der Meldebehörde (§ 17 Bundesmeldegesetz)", "",
            f"Tag des Einzugs: {doc.d(move, 'move_in_date')}",
            f"Neue Wohnung: {new}",
            f"Bisherige Wohnung: {prev}" if has_prev else "Bisherige Wohnung: – (Zuzug aus dem Ausland)",
            "Die neue Wohnung ist: alleinige Wohnung", "",
            f"Familienname: {p.family}",
            f"Vorname(n): {p.given}",
            f"Geburtsdatum: {doc.d(bd, 'birth_date', short_ok=False)}",
            f"Geburtsort: {bplace}",
            f"Geschlecht: {'weiblich' if p.sex == 'f' else 'männlich'}",
            f"Staatsangehörigkeit: {nat}",
            f"Familienstand: {fam}", "",
            f"Wohnungsgeber: {landlord.full}, {l_addr}", "",
            f"Ort, Datum: Lindenau, {doc.d(sign)}",
            f"Unterschrift: {p.full}", "",
            "Hinweis: Die Anmeldung ist innerhalb von zwei Wochen nach dem Einzug vorzunehmen. Die Bestätigung des Wohnungsgebers ist beizufügen.",
        )
    elif tpl == 1:
        prev_s = (f"Meine bisherige Anschrift lautete {prev}." if has_prev
                  else "Zuvor habe ich mehrere Jahre im Ausland gelebt und war in Deutschland nicht gemeldet.")
        text = lines(
            "An das Bürgerbüro der Stadt Lindenau", "",
            "Betreff: Anmeldung meines Wohnsitzes", "",
            "Sehr geehrte Damen und Herren,", "",
            f"hiermit melde ich, {p.full}, geboren am {doc.d(bd, 'birth_date', short_ok=False)} in {bplace}, "
            f"meinen Wohnsitz zum {doc.d(move, 'move_in_date')} unter der Anschrift {new} an. {prev_s} "
            f"Die Wohnungsgeberbestätigung von {de_addressee(landlord)} liegt diesem Schreiben bei.", "",
            f"Ich bin {nat}er Staatsangehörigkeit und {fam}. "
            "Bitte teilen Sie mir mit, falls noch Unterlagen fehlen.", "",
            f"Lindenau, {doc.d(sign)}", "",
            "Mit freundlichen Grüßen", p.full,
        )
    elif tpl == 2:
        received = sign
        vnr = f"{doc.num(100000, 999999)}-{doc.num(1000, 9999)}"
        text = lines(
            "Online-Dienst Wohnsitzanmeldung – Zusammenfassung Ihrer Angaben",
            f"Vorgangsnummer: {vnr}",
            f"Eingegangen am: {doc.d(received)}, {doc.num(7, 22)}:{doc.num(0, 59):02d} Uhr", "",
            "Angaben zur Person",
            f"Name: {p.family}",
            f"Vornamen: {p.given}",
            f"Geburtsdatum: {doc.d(bd, 'birth_date', short_ok=False)}",
            f"Geburtsort: {bplace}", "",
            "Angaben zur Wohnung",
            f"Einzugsdatum: {doc.d(move, 'move_in_date')}",
            f"Anschrift der neuen Wohnung: {new}",
            f"Anschrift der bisherigen Wohnung: {prev}" if has_prev else "Anschrift der bisherigen Wohnung: keine Angabe",
            f"Wohnungsgeber: {landlord.full}", "",
            "Bitte prüfen Sie Ihre Angaben. Die Meldebestätigung wird Ihnen nach Prüfung durch das Bürgerbüro zugesandt. "
            "Bei Rückfragen geben Sie bitte immer die Vorgangsnummer an.",
        )
    else:
        moveout = doc.around(move, -10, -1) if has_prev else None
        text = lines(
            "Meldeschein – Anmeldung einer Wohnung", "Stadt Lindenau, Bürgerbüro Lindenau-Mitte", "",
            f"1. Familienname, ggf. Doktorgrad: {p.family}",
            f"2. Vornamen (Rufname unterstrichen): {p.given}",
            f"3. Geburtsdatum und -ort: {doc.d(bd, 'birth_date', short_ok=False)}, {bplace}",
            f"4. Staatsangehörigkeit(en): {nat}",
            f"5. Anschrift der neuen Wohnung: {new}",
            f"6. Einzug am: {doc.d(move, 'move_in_date')}",
            f"7. Anschrift der bisherigen Wohnung: {prev}" if has_prev else "7. Anschrift der bisherigen Wohnung: entfällt",
            f"8. Auszug aus der bisherigen Wohnung am: {doc.d(moveout)}" if has_prev else None,
            f"9. Name und Anschrift des Wohnungsgebers: {landlord.full}, {l_addr}", "",
            "Ich versichere, dass die vorstehenden Angaben richtig und vollständig sind. "
            "Mir ist bekannt, dass falsche Angaben als Ordnungswidrigkeit geahndet werden können.", "",
            f"Lindenau, {doc.d(sign)} · Unterschrift: {p.full}",
        )
    fields = {
        "family_name": p.family,
        "given_name": p.given,
        "birth_date": bd.isoformat(),
        "move_in_date": move.isoformat(),
        "new_address": new,
        "previous_address": prev,
    }
    return text, fields


# ======================================================================================
# English documents
# ======================================================================================


def invoice_en(doc):
    cname, catkey = doc.pick(COMPANIES_EN)
    cat = CATS_EN[catkey]
    doc.v("sender_name", cname)
    caddr = doc.addr(home=doc.chance(0.4))
    cphone, cmail = doc.phone(), f"accounts@{slug(cname)}.example"
    cstaff = doc.person()
    to_city = (not cat["citizen"]) or doc.chance(0.5)
    if to_city:
        dept = doc.pick(DEPTS_EN)
        rec_block = f"Millbrook Council\n{dept}\n{CIVIC_EN.replace(', ', chr(10), 1)}"
        rec_inline = f"Millbrook Council, {dept}, {CIVIC_EN}"
        salut = "Dear Sir or Madam,"
    else:
        p = doc.person()
        a = doc.addr()
        rec_block = f"{en_addressee(p)}\n{a}"
        rec_inline = f"{en_addressee(p)}, {a}"
        salut = en_salut(p)
    inv = doc.anchor()
    has_due, has_iban = not doc.absent("due_date"), not doc.absent("iban")
    due = doc.around(inv, doc.pick([14, 14, 21, 30]), 30) if has_due else None
    iban, bank, sort, acct = doc.iban()
    invno = doc.v("invoice_number", invoice_number(doc, inv.year))
    cust = customer_number(doc)
    rate = 20
    items = make_items(doc, cat["items"], doc.pick([1, 2, 2, 3, 3]))
    net = sum(it[4] for it in items)
    vat = vat_of(net, rate)
    total = net + vat
    doc.meta.update(net=net, vat=vat, total=total, rate=rate)
    if has_iban:
        doc.v("iban", iban)
    vatno = f"GB {doc.num(100, 999)} {doc.num(1000, 9999)} {doc.num(10, 99)}"

    def bank_details():
        if has_iban:
            return doc.pick([
                f"Bank details: {bank}, sort code {sort}, account number {acct}, IBAN {iban}.",
                f"Please pay by bank transfer to {bank}, IBAN {iban}, quoting the invoice number as your reference.",
                f"BACS payments: sort code {sort}, account {acct}. International payments: IBAN {iban}.",
            ])
        return "This amount will be collected by Direct Debit from your nominated account; no further action is needed."

    def due_phrase():
        if not has_due:
            return doc.pick(["Thank you for your prompt payment.", "Please contact us if you have any questions about this invoice."])
        return doc.one(
            lambda: f"Payment is due by {doc.d(due, 'due_date')}.",
            lambda: f"Please ensure payment reaches us no later than {doc.d(due, 'due_date')}.",
            lambda: f"Payment terms: due on {doc.d(due, 'due_date')}.",
        )

    tpl = doc.rng.randrange(4)
    if tpl == 0:
        p1 = doc.around(inv, -45, -25)
        p2 = doc.around(p1, 3, 20)
        item_lines = [f"- {item_text(doc, it)}: {doc.a(it[4])}" for it in items]
        text = lines(
            cname, caddr, f"Tel: {cphone} | Email: {cmail}", "",
            rec_block, "",
            f"INVOICE No. {invno}",
            f"Invoice date: {doc.d(inv, 'invoice_date')}",
            f"Account number: {cust}",
            f"Service period: {doc.d(p1)} to {doc.d(p2)}", "",
            salut, "",
            doc.pick([f"Please find below our charges for {cat['job']} carried out during the period stated above.",
                      "Thank you for your business. We have pleasure in submitting our invoice as follows."]), "",
            *item_lines, "",
            f"Subtotal: {doc.a(net)}",
            f"VAT at {rate}%: {doc.a(vat)}",
            f"{doc.pick(['Total due', 'Invoice total', 'Total (inc. VAT)'])}: {doc.a(total, 'total_amount')}", "",
            due_phrase() + " " + bank_details(), "",
            "Yours faithfully" if to_city else "Yours sincerely", cname,
            f"VAT Reg. No. {vatno}",
        )
    elif tpl == 1:
        order = doc.around(inv, -40, -20)
        work = doc.around(order, 3, 15)
        item_lines = [f"{item_text(doc, it)} ... {doc.a(it[4])}" for it in items]
        text = lines(
            f"{cname} – {cat['job'][0].upper() + cat['job'][1:]}", f"{caddr} | {cphone}", "",
            "Invoice", "",
            f"To: {rec_inline}",
            f"Invoice number: {invno}",
            f"Your customer ref: {cust}",
            f"Date: {doc.d(inv, 'invoice_date')}", "",
            salut, "",
            doc.one(lambda: f"Thank you for your order of {doc.d(order)}. The work was completed on {doc.d(work)} and is charged as follows:",
                      lambda: f"Further to your instruction dated {doc.d(order)}, we attended on {doc.d(work)}. Our charges are:"), "",
            *item_lines,
            f"Net: {doc.a(net)}",
            f"VAT {rate}%: {doc.a(vat)}",
            f"Amount payable: {doc.a(total, 'total_amount')}", "",
            due_phrase(), bank_details(), "",
            doc.pick(["Kind regards", "Best regards", "Many thanks"]), cstaff.full, cname,
        )
    elif tpl == 2:
        deliv = doc.around(inv, -20, -2)
        po = f"PO {doc.num(400000, 499999)}"
        item_lines = [f"{i} | {item_text(doc, it)} | {doc.a(it[4])}" for i, it in enumerate(items, 1)]
        text = lines(
            f"TAX INVOICE {invno}", f"{cname}, {caddr}", "",
            f"Bill to: {rec_inline}",
            f"Invoice date: {doc.d(inv, 'invoice_date')} | Delivery date: {doc.d(deliv)}",
            f"Purchase order: {po} | Customer no.: {cust}", "",
            "Line | Description | Amount", *item_lines,
            f"Net total: {doc.a(net)}",
            f"VAT @ {rate}%: {doc.a(vat)}",
            f"{doc.pick(['Balance due', 'Invoice total', 'Total payable'])}: {doc.a(total, 'total_amount')}", "",
            due_phrase(), bank_details(), "",
            f"Queries about this invoice? Call {cphone} or email {cmail}.",
            f"{cname} is registered in England and Wales, company no. {doc.num(1000000, 9999999):08d}. VAT Reg. No. {vatno}.",
        )
    else:
        p1 = doc.around(inv, -40, -20)
        p2 = doc.around(p1, 2, 15)
        head_date = doc.d(inv, "invoice_date")
        text = lines(
            cname, caddr, "",
            rec_block, "",
            head_date, "",
            f"Invoice {invno}: {cat['job']}", "",
            salut, "",
            f"As agreed, we {cat['prose']} between {doc.d(p1)} and {doc.d(p2)}. "
            f"Our charge for this work is {doc.a(total, 'total_amount')}, made up of {doc.a(net)} plus VAT of "
            f"{doc.a(vat)} ({rate}%). A breakdown of the individual items is attached.", "",
            f"{due_phrase()} {bank_details()} Please quote your account number {cust} and the invoice number with your payment.", "",
            f"If you have any questions, {cstaff.given} {cstaff.family} will be happy to help on {cphone}.", "",
            "Yours sincerely", "", cstaff.full, f"for {cname}",
        )
    fields = {
        "invoice_number": invno,
        "invoice_date": inv.isoformat(),
        "due_date": due.isoformat() if has_due else None,
        "total_amount": gold_amount(total),
        "sender_name": cname,
        "iban": iban if has_iban else None,
    }
    return text, fields


def case_number_en(doc, year):
    n = doc.num(101, 99999)
    return doc.pick([
        f"MC/{year}/{n:05d}",
        f"{doc.pick(['PLN', 'LIC', 'HSG', 'ENV', 'PKG'])}-{year % 100}-{n:05d}",
        f"{doc.pick(['CS', 'RB', 'HO'])}{n:06d}",
        f"{year % 100}/{n:05d}/{doc.pick(['HH', 'FUL', 'LBC'])}",
    ])


def payment_ref_en(doc):
    return f"{doc.num(10, 99)}{doc.num(10000000, 99999999)}"


def plate_en(doc):
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return f"{doc.pick(['MB', 'MK', 'AC', 'KV'])}{doc.num(15, 74)} {doc.pick(letters)}{doc.pick(letters)}{doc.pick(letters)}"


def fee_purpose_en(doc, prop):
    kind = doc.rng.randrange(6)
    if kind == 0:
        notice = doc.anchor()
        p1 = doc.around(notice, -50, -20)
        p2 = doc.around(p1, 2, 14)
        perm = doc.around(p1, -25, -3)
        days = (p2 - p1).days + 1
        per_day = doc.num(4, 14) * 50
        intro = (f"Under the skip permit issued on {doc.d(perm)} you were allowed to place a builder's skip on the highway "
                 f"outside {prop} from {doc.d(p1)} to {doc.d(p2)}. The following charges now apply:")
        comps = [(f"Highway occupation charge ({days} days at {doc.a(per_day)})", days * per_day),
                 ("Permit administration fee", doc.num(25, 60) * 100)]
        return "Highways Department", "Skip permit charges", notice, intro, comps
    if kind == 1:
        notice = doc.anchor()
        received = doc.around(notice, -60, -30)
        what = doc.pick(["a single-storey rear extension", "a detached garage", "a loft conversion with rear dormer",
                         "a conservatory", "a two-storey side extension"])
        intro = (f"Your householder planning application for {what} at {prop}, received on {doc.d(received)}, has "
                 "now been validated. The following fees are payable:")
        comps = [("Planning application fee", doc.num(250, 600) * 100 + doc.pick([0, 0, 50])),
                 ("Pre-application advice", doc.num(60, 250) * 100)]
        return "Planning Department", "Planning application fees", notice, intro, comps
    if kind == 2:
        notice = doc.anchor()
        start = doc.around(notice, 5, 40)
        intro = (f"Thank you for renewing your garden waste subscription for {prop}. Your collections start on "
                 f"{doc.d(start)} and run for twelve months.")
        comps = [("Garden waste subscription, first bin", doc.num(40, 75) * 100),
                 ("Additional garden waste bin", doc.num(25, 45) * 100)]
        if doc.chance(0.4):
            comps = comps[:1]
        return "Waste and Recycling", "Garden waste subscription charge", notice, intro, comps
    if kind == 3:
        notice = doc.anchor()
        applied = doc.around(notice, -30, -5)
        valid = doc.around(notice, 1, 20)
        intro = (f"Following your application of {doc.d(applied)}, a residents' parking permit for zone "
                 f"{doc.pick('ABCDEFGH')}{doc.num(1, 6)} has been issued for vehicle {plate_en(doc)}, valid from {doc.d(valid)}.")
        comps = [("Residents' parking permit (12 months)", doc.num(40, 180) * 100 + doc.pick([0, 50]))]
        return "Parking Services", "Residents' parking permit charge", notice, intro, comps
    if kind == 4:
        notice = doc.anchor()
        visit = doc.around(notice, -30, -5)
        pest = doc.pick(["rats", "mice", "a wasps' nest", "bedbugs", "cockroaches"])
        intro = (f"Our pest control officer attended {prop} on {doc.d(visit)} to treat {pest}. "
                 "The charges for this service are set out below:")
        comps = [("Treatment charge", doc.num(60, 180) * 100), ("Follow-up visit", doc.num(30, 70) * 100),
                 ("Materials", doc.num(800, 3500))]
        return "Environmental Health", "Pest control charges", notice, intro, comps
    notice = doc.anchor()
    applied = doc.around(notice, -45, -10)
    tables = doc.num(2, 8)
    per_table = doc.num(30, 90) * 100
    intro = (f"Your application of {doc.d(applied)} for a pavement licence to place {tables} tables with chairs "
             f"on the footway outside {prop} has been granted for twelve months. The licence fee is calculated as follows:")
    comps = [(f"Licence fee ({tables} tables at {doc.a(per_table)})", tables * per_table),
             ("Application processing fee", doc.num(50, 100) * 100)]
    return "Licensing Team", "Pavement licence fee", notice, intro, comps


def fee_notice_en(doc):
    p = doc.person()
    has_addr, has_deadline = not doc.absent("recipient_address"), not doc.absent("payment_deadline")
    addr = doc.v("recipient_address", doc.addr()) if has_addr else None
    doc.v("recipient_name", p.full)
    if has_addr and doc.chance(0.7):
        prop = doc.addr() if doc.chance(0.5) else f"{doc.num(1, 140)} {doc.street_only()}"
    else:
        prop = f"the plot registered under title number MB{doc.num(100000, 999999)}"
    dept, subject, notice, intro, comps = fee_purpose_en(doc, prop)
    total = sum(c for _, c in comps)
    doc.meta.update(total=total)
    case = doc.v("case_number", case_number_en(doc, notice.year))
    payref = payment_ref_en(doc)
    deadline = doc.around(notice, 14, 35) if has_deadline else None
    staff = doc.person()
    city_iban = group4(CITY_IBAN_EN)
    if len(comps) > 1:
        amount_block = [f"{label}: {doc.a(c)}" for label, c in comps]
        amount_block.append(f"{doc.pick(['Total amount due', 'Total charge', 'Amount payable'])}: {doc.a(total, 'amount')}")
    else:
        amount_block = [f"The charge is {doc.a(total, 'amount')}."]
    if has_deadline:
        pay = doc.one(
            lambda: f"Please pay the full amount by {doc.d(deadline, 'payment_deadline')}, quoting payment reference {payref}. You can pay online at millbrook.example/pay or by bank transfer to Millbrook Council, IBAN {city_iban}.",
            lambda: f"Payment must be received by {doc.d(deadline, 'payment_deadline')}. Use payment reference {payref} when paying by card on 01632 960000 or online.",
            lambda: f"Pay by: {doc.d(deadline, 'payment_deadline')}. Payment reference: {payref}. Bank transfers should be made to IBAN {city_iban}.",
        )
    else:
        pay = doc.pick([
            f"As you pay by Direct Debit, this amount will be collected from your account automatically. Payment reference: {payref}.",
            f"This charge will be added to your existing Direct Debit (payment reference {payref}); you do not need to do anything.",
        ])
    appeal = doc.pick([
        "If you believe this charge is incorrect, you may ask for a review within 28 days of the date of this notice.",
        "If you disagree with this notice, please write to us within 28 days explaining why.",
    ])
    rec_block = [en_addressee(p), addr] if has_addr else [en_addressee(p), "(sent by email to the address held on your online account)"]
    tpl = doc.rng.randrange(4)
    if tpl == 0:
        text = lines(
            f"Millbrook Council · {dept} · {CIVIC_EN}", "",
            *rec_block, "",
            f"Our ref: {case}", f"Date: {doc.d(notice, 'notice_date')}", "",
            f"FEE NOTICE – {subject}", "",
            en_salut(p), "",
            intro, "", *amount_block, "",
            pay, "", appeal, "",
            "Yours sincerely", staff.full, f"{dept}, Millbrook Council",
        )
    elif tpl == 1:
        payer = f"{p.full}, {addr}" if has_addr else p.full
        text = lines(
            "MILLBROOK COUNCIL", dept, "",
            f"Notice of charge dated {doc.d(notice, 'notice_date')}",
            f"Case reference: {case}",
            f"Payer: {payer}",
            f"Subject: {subject}", "",
            en_salut(p), "",
            intro, "", *amount_block, "",
            pay, "",
            "Unpaid charges may be passed to our debt recovery team and additional costs may be added.", "",
            f"Yours sincerely\n{staff.full}\n{dept}",
        )
    elif tpl == 2:
        text = lines(
            f"Millbrook Council – {dept}", CIVIC_EN, "",
            *rec_block, "",
            doc.d(notice, "notice_date"),
            f"Reference: {case}", "",
            f"Your {subject.lower()}", "",
            f"Hello {p.given},", "",
            intro, "", *amount_block, "",
            pay, "",
            f"If you have any questions about this notice, please contact {staff.full} ({dept}). {appeal}", "",
            "Kind regards", f"{dept}, Millbrook Council",
        )
    else:
        text = lines(
            f"Millbrook Council | {dept} | {CIVIC_EN}", "",
            "Notice of fees payable", "",
            f"Addressee: {p.full}" + (f", {addr}" if has_addr else " (electronic delivery)"),
            f"Date of notice: {doc.d(notice, 'notice_date')}",
            f"Case number: {case} · Payment reference: {payref}", "",
            en_salut(p), "",
            intro, "", *amount_block, "",
            pay, "", appeal, "",
            "Yours faithfully", f"{staff.full}, on behalf of Millbrook Council",
        )
    fields = {
        "case_number": case,
        "notice_date": notice.isoformat(),
        "amount": gold_amount(total),
        "payment_deadline": deadline.isoformat() if has_deadline else None,
        "recipient_name": p.full,
        "recipient_address": addr,
    }
    return text, fields


OFFICES_EN = [
    ("Register Office", ["giving notice of marriage", "registering the birth of your child", "a citizenship ceremony booking"],
     ["your passport", "proof of address dated within the last three months"]),
    ("Customer Service Centre", ["your Blue Badge application interview", "a concessionary bus pass application", "a council tax enquiry"],
     ["photo identification", "proof of address"]),
    ("Housing Options Team", ["a housing options interview", "your housing register assessment"],
     ["photo identification", "your tenancy agreement", "proof of income"]),
    ("Planning Department", ["a pre-application meeting about your proposal", "a discussion of your planning application"],
     ["your site plan", "any drawings you have prepared"]),
    ("Council Tax Office", ["a review of your council tax account", "your single person discount review"],
     ["your latest council tax bill", "bank statements for the last three months"]),
    ("Benefits Team", ["a housing benefit review", "your council tax support assessment"],
     ["payslips for the last two months", "your bank statements"]),
    ("Licensing Team", ["your taxi driver licence interview", "a premises licence consultation"],
     ["your driving licence", "your DBS certificate"]),
    ("Adult Social Care Team", ["a care needs assessment", "a carer's assessment"],
     ["a list of your current medication", "any letters from your GP"]),
    ("Parking Services", ["a parking permit appeal meeting", "your dispensation application"],
     ["your vehicle registration document", "proof of address"]),
    ("Building Control", ["a discussion of your building regulations application"],
     ["your plans", "the structural calculations"]),
]  # fmt: skip
BUILDINGS_EN = ["Millbrook Town Hall, Market Square", "Civic Offices, Market Square", "Riverside House, Mill Road",
                "Customer Access Point, 4 Bridge Street"]  # fmt: skip
OPENING_EN = [
    ("Monday to Friday, 9am to 5pm (Wednesdays from 10am)", [(9, 0), (17, 0), (10, 0)]),
    ("Monday to Thursday 8:30am to 5pm and Friday 8:30am to 4.30 pm", [(8, 30), (17, 0), (16, 30)]),
]  # fmt: skip


def appointment_en(doc):
    office, services, docs = doc.pick(OFFICES_EN)
    doc.v("office", office)
    service = doc.pick(services)
    building = doc.pick(BUILDINGS_EN)
    room = f"{doc.pick(['Room', 'Meeting Room', 'Interview Room'])} {doc.num(1, 3)}{doc.num(0, 4)}{doc.num(1, 9)}"
    p = doc.person()
    has_case, has_contact, has_phone = (not doc.absent(f) for f in ("case_number", "contact_person", "phone"))
    letter = doc.anchor()
    appt = doc.around(letter, 4, 40, weekday=True)
    opening, open_times = doc.pick(OPENING_EN)
    h, m = appt_time(doc, avoid=[t for o in OPENING_EN for t in o[1]])
    case = doc.v("case_number", case_number_en(doc, letter.year)) if has_case else None
    staff = doc.person() if has_contact else None
    if staff:
        doc.v("contact_person", staff.full)
    phone = doc.v("phone", doc.phone()) if has_phone else None
    mail = f"{slug(office)}@millbrook.example"
    docs_txt = " and ".join(docs)

    def contact_sentence():
        if staff and phone:
            return doc.pick([
                f"If you have any questions, please call me on {phone}.",
                f"If you need to rearrange, please contact {staff.full} on {phone}.",
                f"Your caseworker is {staff.full}, who can be reached on {phone}.",
            ])
        if staff:
            return f"If you need to rearrange, please email {staff.given} {staff.family} at {mail}."
        if phone:
            return f"If you need to rearrange, please call us on {phone}."
        return f"If you need to rearrange, please email {mail}."

    closing = ["Yours sincerely", staff.full, office] if staff else ["Yours sincerely", f"The {office}, Millbrook Council"]
    tpl = doc.rng.randrange(4)
    if tpl == 0:
        req = doc.around(letter, -20, -2)
        text = lines(
            "Millbrook Council", office, building, "",
            en_addressee(p), doc.addr(), "",
            f"Our ref: {case}" if case else None,
            doc.d(letter), "",
            f"Appointment confirmation: {service}", "",
            en_salut(p), "",
            f"Thank you for your request of {doc.d(req)}. I am writing to confirm your appointment as follows:", "",
            f"Date: {doc.d(appt, 'appointment_date', wd=doc.chance(0.5))}",
            f"Time: {doc.t(h, m, 'appointment_time')}",
            f"Place: {office}, {building}, {room}", "",
            f"Please bring {docs_txt} with you. If you cannot attend, please let us know as soon as possible so that the slot can be offered to someone else.", "",
            contact_sentence(), "",
            *closing,
        )
    elif tpl == 1:
        for hh, mm in open_times:
            doc.note_time(hh, mm)
        text = lines(
            f"Subject: Your booking with the {office}", "",
            f"Dear {p.given},", "",
            "Your appointment has been booked. Please keep this email for your records.", "",
            f"Booking reference: {case}" if case else None,
            f"Service: {service[0].upper() + service[1:]}",
            f"When: {doc.d(appt, 'appointment_date', wd=True)} at {doc.t(h, m, 'appointment_time')}",
            f"Where: {office}, {building}, {room}", "",
            f"Please arrive ten minutes early and bring {docs_txt}. You can cancel online up to 24 hours before your appointment.", "",
            f"Opening hours: {opening}.", "",
            contact_sentence(), "",
            "This is an automated message.",
            staff.full if staff else f"Millbrook Council – {office}",
        )
    elif tpl == 2:
        text = lines(
            f"Millbrook Council – {office}", building, "",
            en_addressee(p), doc.addr(), "",
            f"Reference: {case}" if case else None,
            f"Date: {doc.d(letter)}", "",
            "Invitation to attend an interview", "",
            en_salut(p), "",
            f"In connection with {service}, we would like you to attend an interview at the {office} ({building}, {room}) "
            f"on {doc.d(appt, 'appointment_date', wd=doc.chance(0.6))} at {doc.t(h, m, 'appointment_time')}.", "",
            f"Please bring {docs_txt}. Without complete documents we may not be able to reach a decision. "
            "If you are unable to attend, please tell us straight away.", "",
            contact_sentence(), "",
            *closing,
        )
    else:
        old = doc.around(letter, 2, 25, weekday=True)
        oh, om = appt_time(doc, avoid=[(h, m)])
        text = lines(
            f"Millbrook Council · {office} · {building}", "",
            en_addressee(p), doc.addr(), "",
            doc.d(letter),
            f"Case ref: {case}" if case else None, "",
            "Change to your appointment", "",
            en_salut(p), "",
            f"Unfortunately we have had to cancel your appointment on {doc.d(old)} at {doc.t(oh, om)} for {service}. "
            "We apologise for any inconvenience.", "",
            f"We have rebooked you for {doc.d(appt, 'appointment_date', wd=True)} at {doc.t(h, m, 'appointment_time')} "
            f"with the {office}. The appointment will take place at {building}, {room}. Please remember to bring {docs_txt}.", "",
            f"If the new time is not convenient, please get in touch. {contact_sentence()}", "",
            *closing,
        )
    fields = {
        "case_number": case,
        "appointment_date": appt.isoformat(),
        "appointment_time": f"{h:02d}:{m:02d}",
        "office": office,
        "contact_person": staff.full if staff else None,
        "phone": phone,
    }
    return text, fields


CITIZEN_TOPICS_EN = [
    ("Appeal against fee notice", "Finance Department",
     "I am writing to appeal against your fee notice dated {prev}. The charge covers a period before I had even moved into the property, so I do not believe it is owed. Please review the notice and cancel or correct it."),
    ("Broken street light", "Highways Department",
     "Since {prev} the street light outside {no} {street} has not been working. The pavement is very dark in the evenings, which is dangerous, particularly for older neighbours. Please arrange for it to be repaired."),
    ("Progress of my planning application", "Planning Department",
     "I submitted a householder planning application on {prev} but have received neither an acknowledgement nor a request for further information. Could you please let me know how the application is progressing?"),
    ("Missed bulky waste collection", "Waste and Recycling",
     "I booked a bulky waste collection for {prev} and put the items out as instructed, but nothing was collected. The furniture is still outside the house. Please arrange a new collection date."),
    ("Noise from building site", "Environmental Health",
     "Since {prev} the building site on {street} has been operating heavy machinery from six o'clock in the morning, including on Saturdays. Please check whether these working hours are permitted and take action if not."),
    ("Refund of nursery fees", "Education Services",
     "My daughter's council nursery was closed from {prev} for several weeks because of staff shortages, yet the fees were still taken in full. I am asking for a partial refund for the period of the closure."),
    ("Overhanging street tree", "Parks and Open Spaces",
     "The branches of the council-owned tree outside {no} {street} now reach the first-floor windows. During the storm on {prev} a large branch fell onto the pavement. Please arrange for the tree to be pruned."),
    ("Request to inspect planning file", "Planning Department",
     "I submitted objections to the development on the neighbouring plot in my letter of {prev}. I would now like to inspect the planning file and would be grateful if you could offer me an appointment."),
]  # fmt: skip


def citizen_letter_en(doc):
    p = doc.person()
    doc.v("sender_name", p.full)
    has_addr, has_date, has_ref, has_dl = (
        not doc.absent(f) for f in ("sender_address", "letter_date", "reference_number", "requested_deadline"))
    addr = doc.v("sender_address", doc.addr()) if has_addr else None
    subject, dept, body_tpl = doc.pick(CITIZEN_TOPICS_EN)
    letter = doc.anchor()
    prev = doc.around(letter, -45, -5)
    deadline = doc.around(letter, 10, 40) if has_dl else None
    ref = doc.v("reference_number", case_number_en(doc, prev.year)) if has_ref else None
    body = body_tpl.format(prev=doc.d(prev), street=doc.street_only(), no=doc.num(1, 90))
    staff = doc.person() if doc.chance(0.35) else None
    if has_dl:
        dl = doc.one(
            lambda: f"I would be grateful for a reply by {doc.d(deadline, 'requested_deadline')}.",
            lambda: f"Please let me know by {doc.d(deadline, 'requested_deadline')} what you intend to do.",
            lambda: f"I look forward to hearing from you no later than {doc.d(deadline, 'requested_deadline')}.",
            lambda: f"Please respond by {doc.d(deadline, 'requested_deadline')} at the latest.",
        )
    else:
        dl = doc.pick(["I look forward to hearing from you soon.", "I would appreciate a prompt reply.",
                       "Thank you in advance for your help."])
    ref_sentence = f"Your reference is {ref}." if ref else None
    salut = f"Dear {staff.title} {staff.family}," if staff else "Dear Sir or Madam,"
    sign = "Yours sincerely" if staff else "Yours faithfully"
    tpl = doc.rng.randrange(4)
    letter_txt = doc.d(letter, "letter_date") if has_date and tpl != 1 else None
    if tpl == 0:
        text = lines(
            p.full if not has_addr else (f"{p.full}\n{addr}" if doc.chance(0.5) else f"{p.full}, {addr}"), "",
            "Millbrook Council", dept + (f"\nFAO {en_addressee(staff)}" if staff else ""), CIVIC_EN, "",
            letter_txt, "" if has_date else None,
            f"Your ref: {ref}" if ref else None,
            f"Re: {subject}", "",
            salut, "",
            body, "",
            dl, "",
            sign, "", p.full,
        )
    elif tpl == 1:
        sent = f"Sent: {doc.d(letter, 'letter_date', wd=True, style='long')} {doc.num(7, 22)}:{doc.num(0, 59):02d}" if has_date else None
        text = lines(
            f"From: {p.full} <{email_of(p, 'example.com')}>",
            sent,
            f"To: {slug(dept)}@millbrook.example",
            f"Subject: {subject}", "",
            salut if doc.chance(0.6) else "Hello,", "",
            body + (f" {ref_sentence}" if ref else ""), "",
            dl, "",
            doc.pick(["Kind regards", "Best wishes", "Many thanks"]), p.full, addr,
        )
    elif tpl == 2:
        intro = f"My name is {p.full}" + (f" and I live at {addr}." if has_addr else ".")
        text = lines(
            letter_txt, "" if has_date else None,
            f"To Millbrook Council, {dept}", "",
            salut, "",
            f"{intro} {ref_sentence or ''}".strip(), "",
            body, "",
            dl, "",
            "Thank you for your help.", sign, p.full,
        )
    else:
        head = f"{p.full}, {addr}" if has_addr else p.full
        text = lines(
            head, "",
            "To: Millbrook Council", dept, CIVIC_EN, "",
            letter_txt, "" if has_date else None,
            f"Subject: {subject}" + (f"\nReference: {ref}" if ref else ""), "",
            salut, "",
            body, "",
            "I would be grateful if you could give this matter your attention. " + dl, "",
            sign, p.full,
        )
    fields = {
        "sender_name": p.full,
        "sender_address": addr,
        "letter_date": letter.isoformat() if has_date else None,
        "reference_number": ref,
        "requested_deadline": deadline.isoformat() if has_dl else None,
    }
    return text, fields


BIRTHPLACES_EN = ["Millbrook", "Leeds", "Cardiff", "Glasgow", "Bristol", "Lagos", "Karachi", "Warsaw",
                  "Dublin", "Nottingham", "Accra", "Mumbai", "Belfast", "Hull"]  # fmt: skip


def registration_en(doc):
    p = doc.person(two_given_p=0.15)
    doc.v("family_name", p.family)
    doc.v("given_name", p.given)
    has_prev = not doc.absent("previous_address")
    bd = birth_date(doc)
    move = doc.anchor()
    sign = doc.around(move, 1, 13)
    new = doc.v("new_address", doc.addr())
    prev = doc.v("previous_address", doc.addr(home=doc.chance(0.3))) if has_prev else None
    landlord = doc.person()
    l_addr = doc.addr(home=doc.chance(0.5))
    nat = doc.pick(["British", "British", "British", "Irish", "Polish", "Nigerian", "Indian"])
    bplace = doc.pick(BIRTHPLACES_EN)
    tpl = doc.rng.randrange(4)
    if tpl == 0:
        text = lines(
            "Millbrook Council – Change of address notification",
            "(Council Tax and Electoral Registration)", "",
            f"Surname: {p.family}",
            f"First name(s): {p.given}",
            f"Date of birth: {doc.d(bd, 'birth_date')}",
            f"Place of birth: {bplace}",
            f"Nationality: {nat}", "",
            f"New address: {new}",
            f"Date you moved in: {doc.d(move, 'move_in_date')}",
            f"Previous address: {prev}" if has_prev else "Previous address: N/A – moved from abroad",
            "Tenure: " + doc.pick(["private rented", "owner occupier", "housing association"]),
            f"Landlord or managing agent: {landlord.full}, {l_addr}", "",
            f"Declaration signed: {p.full}, {doc.d(sign)}", "",
            "Note: You must tell us about a change of address within 21 days. Giving false information is an offence.",
        )
    elif tpl == 1:
        prev_s = (f"Before that I lived at {prev}." if has_prev
                  else "Before that I lived overseas for several years and was not registered in the UK.")
        text = lines(
            "To: Millbrook Council, Council Tax and Electoral Services", "",
            "Notification of moving in", "",
            "Dear Sir or Madam,", "",
            f"I, {p.full} (date of birth {doc.d(bd, 'birth_date')}), moved into {new} on "
            f"{doc.d(move, 'move_in_date')}. {prev_s} The property is let to me by {en_addressee(landlord)}.", "",
            f"Please set up my council tax account for the new address and add me to the electoral register. "
            f"I am a {nat} citizen.", "",
            doc.d(sign), "",
            "Yours faithfully", p.full,
        )
    elif tpl == 2:
        ref = f"NR-{doc.num(100000, 999999)}"
        text = lines(
            "Online form: Tell us you have moved – summary of your answers",
            f"Submission reference: {ref}",
            f"Submitted: {doc.d(sign)} {doc.num(7, 22)}:{doc.num(0, 59):02d}", "",
            "About you",
            f"Last name: {p.family}",
            f"Forenames: {p.given}",
            f"Date of birth: {doc.d(bd, 'birth_date')}", "",
            "About your move",
            f"Moving-in date: {doc.d(move, 'move_in_date')}",
            f"Address you moved to: {new}",
            f"Address you moved from: {prev}" if has_prev else "Address you moved from: not provided",
            f"Landlord: {landlord.full}", "",
            "Please check your answers. We will send you a new council tax bill within 14 days. "
            "Quote your submission reference if you contact us.",
        )
    else:
        moveout = doc.around(move, -10, -1) if has_prev else None
        text = lines(
            "NEW RESIDENT REGISTRATION FORM", "Millbrook Council, Customer Service Centre", "",
            f"1. Surname: {p.family}",
            f"2. Forename(s): {p.given}",
            f"3. Date and place of birth: {doc.d(bd, 'birth_date')}, {bplace}",
            f"4. Nationality: {nat}",
            f"5. Address of new home: {new}",
            f"6. Date of moving in: {doc.d(move, 'move_in_date')}",
            f"7. Previous address: {prev}" if has_prev else "7. Previous address: none (first UK address)",
            f"8. Date you left previous address: {doc.d(moveout)}" if has_prev else None,
            f"9. Name and address of landlord: {landlord.full}, {l_addr}", "",
            "I declare that the information given on this form is correct and complete. "
            "I understand that giving false information may lead to prosecution.", "",
            f"Signed: {p.full} · Date: {doc.d(sign)}",
        )
    fields = {
        "family_name": p.family,
        "given_name": p.given,
        "birth_date": bd.isoformat(),
        "move_in_date": move.isoformat(),
        "new_address": new,
        "previous_address": prev,
    }
    return text, fields


GENERATORS = {
    ("de", "invoice"): invoice_de, ("de", "fee_notice"): fee_notice_de,
    ("de", "appointment_letter"): appointment_de, ("de", "citizen_letter"): citizen_letter_de,
    ("de", "registration_form"): registration_de,
    ("en", "invoice"): invoice_en, ("en", "fee_notice"): fee_notice_en,
    ("en", "appointment_letter"): appointment_en, ("en", "citizen_letter"): citizen_letter_en,
    ("en", "registration_form"): registration_en,
}  # fmt: skip

# ======================================================================================
# Building and checking
# ======================================================================================


def sample_absent(rng, types, share):
    """(document number, field) slots to leave out: the same share of every optional field
    (stratified), topped up at random where the file is too small for that."""
    groups = {}
    for i, t in enumerate(types, 1):
        for f in OPTIONAL[t]:
            groups.setdefault((t, f), []).append(i)
    absent = []
    for key in sorted(groups):
        absent += [(i, key[1]) for i in rng.sample(groups[key], int(share * len(groups[key])))]
    slots = [(i, f) for i, t in enumerate(types, 1) for f in OPTIONAL[t]]
    rest = [s for s in slots if s not in absent]
    absent += rng.sample(rest, max(0, round(share * len(slots)) - len(absent)))
    return sorted(absent)


def build(lang, split):
    """(rows, docs): output rows and the Doc records behind them."""
    rng = random.Random(SEEDS[(lang, split)])
    n = COUNTS[split]
    types = DOC_TYPES * (n // len(DOC_TYPES))
    rng.shuffle(types)
    absent = sample_absent(rng, types, NULL_SHARE[split])
    rows, docs = [], []
    for i, doc_type in enumerate(types, 1):
        doc = Doc(rng, lang, [f for j, f in absent if j == i])
        text, fields = GENERATORS[(lang, doc_type)](doc)
        rows.append({"id": f"{lang}-{split}-{i:03d}", "doc_type": doc_type, "text": text, "fields": fields})
        docs.append(doc)
    return rows, docs


class CheckError(Exception):
    pass


def check_doc(row, doc, lang):
    def fail(msg):
        raise CheckError(f"{row['id']} ({row['doc_type']}): {msg}\n---\n{row['text']}")

    text, fields, dtype = row["text"], row["fields"], row["doc_type"]
    if list(fields) != FIELDS[dtype]:
        fail(f"field names {list(fields)}")
    for k, val in fields.items():
        if val is None:
            if k not in OPTIONAL[dtype]:
                fail(f"required field {k} is null")
            if k in doc.spans:
                fail(f"null field {k} was rendered")
            continue
        if not isinstance(val, str) or val != val.strip() or "\n" in val or not val:
            fail(f"bad value for {k}: {val!r}")
        if k in DATE_FIELDS:
            d = dt.date.fromisoformat(val)
            if k != "birth_date" and not (MIN_D <= d <= MAX_D):
                fail(f"{k} out of range: {val}")
            if not doc.spans.get(k):
                fail(f"no rendering for {k}")
            for span in doc.spans[k]:
                if span not in text or parse_date(lang, span) != d:
                    fail(f"{k} rendering {span!r} inconsistent with {val}")
            if any(dv == d and role != k for dv, role in doc.dates):
                fail(f"gold {k} {val} repeated by another date")
        elif k in AMOUNT_FIELDS:
            if not re.fullmatch(r"\d+\.\d{2}", val):
                fail(f"bad amount {val}")
            cents = int(val.replace(".", ""))
            for span in doc.spans.get(k, []):
                if span not in text or parse_amount(lang, span) != cents:
                    fail(f"{k} rendering {span!r} inconsistent with {val}")
            if not doc.spans.get(k):
                fail(f"no rendering for {k}")
            if any(c == cents and role != k for c, role in doc.amounts):
                fail(f"gold {k} {val} repeated by another amount")
        elif k in TIME_FIELDS:
            if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", val):
                fail(f"bad time {val}")
            hm = (int(val[:2]), int(val[3:]))
            for span in doc.spans.get(k, []):
                if span not in text or parse_time(lang, span) != hm:
                    fail(f"{k} rendering {span!r} inconsistent with {val}")
            if not doc.spans.get(k):
                fail(f"no rendering for {k}")
            if any(t == hm and role != k for t, role in doc.times):
                fail(f"gold {k} {val} repeated by another time")
            if hm not in {t for _, _, t in scan_times(text, lang)}:
                fail(f"{k} {val} not found by the time scanner")
        else:  # verbatim fields
            if val not in text:
                fail(f"verbatim {k} {val!r} not in text")
            if k == "iban" and not iban_valid(val):
                fail(f"invalid IBAN {val}")
    # every date/amount in the text is one the generator meant to write, and vice versa
    scanned = {d for _, _, d in scan_dates(lang, text)}
    intended = {d for d, _ in doc.dates}
    if scanned != intended:
        fail(f"date scan mismatch: extra {sorted(scanned - intended)}, missing {sorted(intended - scanned)}")
    for d, role in doc.dates:
        if role != "birth_date" and not (MIN_D <= d <= MAX_D):
            fail(f"date {d} out of 2025-2027")
    scanned = {c for _, _, c in scan_amounts(lang, text)}
    intended = {c for c, _ in doc.amounts}
    if scanned != intended:
        fail(f"amount scan mismatch: extra {sorted(scanned - intended)}, missing {sorted(intended - scanned)}")
    if dtype == "invoice":
        m = doc.meta
        if m["net"] + m["vat"] != m["total"] or m["vat"] != round(m["net"] * m["rate"] / 100 + 1e-9):
            fail("net + VAT != total")
        if gold_amount(m["total"]) != fields["total_amount"]:
            fail("total mismatch")
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        fail(f"{words} words")
    if "\r" in text or "  " in text or " \n" in text or "\n\n\n" in text:
        fail("stray whitespace")


def check_all(built):
    ids, texts = set(), set()
    for (lang, split), (rows, docs) in built.items():
        n = COUNTS[split]
        if len(rows) != n:
            raise CheckError(f"{lang}_{split}: {len(rows)} rows, expected {n}")
        for t in DOC_TYPES:
            cnt = sum(r["doc_type"] == t for r in rows)
            if cnt != n // len(DOC_TYPES):
                raise CheckError(f"{lang}_{split}: {cnt} × {t}")
        for row, doc in zip(rows, docs, strict=True):
            if row["id"] in ids:
                raise CheckError(f"duplicate id {row['id']}")
            if row["text"] in texts:
                raise CheckError(f"duplicate text {row['id']}")
            ids.add(row["id"])
            texts.add(row["text"])
            check_doc(row, doc, lang)


def serialise(rows):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="regenerate in memory; exit 1 if files differ")
    args = ap.parse_args(argv)
    built = {(lang, split): build(lang, split) for split in ("test", "train") for lang in ("de", "en")}
    try:
        check_all(built)
    except CheckError as e:
        print(f"self-check failed: {e}", file=sys.stderr)
        return 2
    outputs = {DATA_DIR / f"{lang}_{split}.jsonl": serialise(rows) for (lang, split), (rows, _) in built.items()}
    if args.check:
        stale = [p for p, s in outputs.items() if not p.exists() or p.read_bytes() != s.encode("utf-8")]
        for p in stale:
            print(f"differs: {p}", file=sys.stderr)
        return 1 if stale else 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for p, s in outputs.items():
        p.write_bytes(s.encode("utf-8"))
    for (lang, split), (rows, _) in built.items():
        print(f"wrote {lang}_{split}.jsonl: {len(rows)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
