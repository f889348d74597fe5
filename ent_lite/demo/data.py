"""Names and texts of the demo city. Everyone here is fictional."""
from __future__ import annotations

from ent_lite.config import DEMO_CITY_NAME  # noqa: F401  (the configuration's default in the demo)

# Long, not common, and none of the demo names, the city or "école" in it (password policy).
DEMO_PASSWORD = "Cartable-Soleil-2026"
DEMO_SEED = 2026
EMAIL_DOMAIN = "example.org"
CHILD_COUNT = 150

# (name, district, [(class name, levels)]): eight classes, every level, one double-level class.
SCHOOLS = [
    ("École maternelle Les Tilleuls", "Nord", [("PS", "PS"), ("MS", "MS"), ("GS", "GS")]),
    ("École élémentaire Jean Jaurès", "Centre", [("CP", "CP"), ("CE1-CE2", "CE1,CE2"), ("CM1", "CM1")]),
    ("École élémentaire Marie Curie", "Sud", [("CE1", "CE1"), ("CM2", "CM2")]),
]
# The periscolaire site is attached to this school's children.
PERISCOLAIRE_SCHOOL = "École élémentaire Jean Jaurès"
PERISCOLAIRE_SITE = ("Accueil périscolaire Jean Jaurès", "Centre")
PERISCOLAIRE_GROUP = ("Accueil du soir", "CP,CE1,CE2,CM1")
PERISCOLAIRE_CHILDREN = 24
SERVICE = "Service Éducation Enfance"
SERVICE_TEAM = "Équipe éducation"

# Families: this many with two children, this many with three; the others have one.
FAMILIES_WITH_TWO = 12
FAMILIES_WITH_THREE = 3
SECOND_GUARDIAN_SHARE = 0.75
NO_EMAIL_SHARE = 0.12
ACTIVATED_SHARE = 0.55

GIRL_NAMES = [
    "Emma", "Jade", "Louise", "Alice", "Chloé", "Lina", "Mila", "Léa", "Rose", "Anna", "Inès",
    "Ambre", "Julia", "Zoé", "Léna", "Agathe", "Nour", "Romane", "Maëlys", "Yasmine", "Sofia",
    "Capucine", "Mariam", "Aya", "Jeanne", "Lou", "Iris", "Margaux", "Salomé", "Fatoumata",
]
BOY_NAMES = [
    "Gabriel", "Raphaël", "Léo", "Louis", "Maël", "Noah", "Jules", "Arthur", "Adam", "Lucas",
    "Hugo", "Sacha", "Nathan", "Ethan", "Ibrahim", "Tom", "Paul", "Mohamed", "Aaron", "Timéo",
    "Nolan", "Théo", "Malo", "Youssef", "Ilyes", "Samuel", "Oscar", "Mamadou", "Victor", "Axel",
]
ADULT_WOMEN = [
    "Sophie", "Nathalie", "Isabelle", "Aurélie", "Céline", "Fatima", "Amina", "Julie", "Camille",
    "Sandrine", "Émilie", "Laëtitia", "Karima", "Mélanie", "Caroline", "Aïssatou", "Elodie",
    "Vanessa", "Samira", "Stéphanie", "Hélène", "Marie", "Nadia", "Claire", "Linh",
]
ADULT_MEN = [
    "Nicolas", "Julien", "Sébastien", "Mehdi", "Thomas", "Karim", "Christophe", "David", "Olivier",
    "Jérôme", "Franck", "Moussa", "Antoine", "Romain", "Vincent", "Rachid", "Guillaume", "Cédric",
    "Mathieu", "Samir", "Frédéric", "Alexandre", "Kevin", "Bruno", "Minh",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guerin",
    "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clement", "Gauthier",
    "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Diallo", "Traoré", "Benali",
    "Nguyen", "Haddad", "Mendy", "Kone", "Belkacem", "Ferreira", "Da Silva", "Le Gall", "Tran",
    "Cissé", "Bouchard", "Marchand", "Renaud", "Lemoine", "Aubert", "Boyer", "Caron",
]

# Staff names are fixed so the printed logins stay the same from one demo to the next.
# (first name, last name, role key); the role keys are resolved in seed.py.
TEACHERS = [
    ("Claire", "Delorme"), ("Mathilde", "Arnaud"), ("Karine", "Picard"),
    ("Paul", "Lemaire"), ("Nadia", "Brahimi"), ("Hugo", "Charpentier"),
    ("Anne", "Vasseur"), ("Olivier", "Marechal"),
]
DIRECTORS = [("Hélène", "Gaillard"), ("Bruno", "Collin"), ("Samia", "Meunier")]
ANIMATOR = ("Yanis", "Barbier")
CITY_AGENT = ("Louis", "Fabre")
ADMIN = ("Ada", "Royer")
DPO = ("Dora", "Lacroix")

CLASS_POSTS = [
    ("Sortie à la médiathèque jeudi",
     "Jeudi matin, la classe se rend à la médiathèque.\n\n"
     "Merci de prévoir une **tenue confortable** et une gourde."),
    ("Photos de classe",
     "Le photographe passera **mardi prochain**. Les bons de commande seront distribués la semaine suivante."),
    ("Ce que nous avons appris cette semaine",
     "Cette semaine nous avons travaillé sur :\n\n- les saisons ;\n- une comptine en anglais ;\n"
     "- la peinture au doigt."),
]
SCHOOL_POSTS = [
    ("Réunion de rentrée",
     "La réunion d'information aura lieu **vendredi à 18 h** dans le préau. Tous les parents sont les bienvenus."),
    ("Fête de l'école",
     "La fête de l'école aura lieu le samedi 27 juin. Nous cherchons des parents volontaires pour tenir les stands."),
]
PERISCOLAIRE_POST = (
    "Atelier jardinage le soir",
    "Cette semaine, l'accueil du soir plante des bulbes dans le jardin de l'école. Prévoyez des bottes !",
)
CITY_POST = (
    "Inscriptions aux activités des vacances d'hiver",
    "Les inscriptions aux stages sportifs et culturels des vacances d'hiver ouvrent **lundi**.\n\n"
    "Le programme complet est affiché dans chaque école.",
)

# --- city life (ent_lite.demo.city_life): periscolaire, calendar, absences, the city as a contact ---
# Texts use French typography: a no-break space (\u00a0) before : ; ! ? and the curly apostrophe.
CITY_LIFE_SEED = 20262
# The evening group above is one of the site's three; the site lead keeps them all.
SITE_LEAD = ("Farid", "Benhamou")
# (name, levels, PeriscolaireKind, children enrolled by the site lead)
MORE_PERISCOLAIRE_GROUPS = [
    ("Accueil du matin", "CP,CE1,CE2,CM1", "morning", 14),
    ("Mercredis loisirs", "CP,CE1,CE2,CM1", "wednesday", 18),
]

# The school year's holidays, published by the city service for all families (and in the
# open-data calendar): (title, first day, last day) as (month, day), in the school year.
SCHOOL_HOLIDAYS = [
    ("Vacances de la Toussaint", (10, 17), (11, 1)),
    ("Vacances de Noël", (12, 19), (1, 3)),
    ("Vacances d’hiver", (2, 13), (2, 28)),
    ("Vacances de printemps", (4, 10), (4, 25)),
    ("Vacances d’été", (7, 3), (8, 31)),
]
# Standalone events: (title, place); their days are set from the day the demo is seeded.
SCHOOL_MEETING = ("Réunion parents-enseignants", "Préau de l’école")
CANCELLED_MEETING = ("Conseil d’école", "Salle polyvalente")
STRIKE_DAY = ("Grève des enseignants\u00a0: école fermée", "")
WEDNESDAY_EVENT = ("Accueil de loisirs du mercredi", "Accueil périscolaire Jean Jaurès")
# The printed teacher's post with a date (the class outing).
OUTING_POST = (
    "Sortie au musée des Beaux-Arts",
    "Vendredi, la classe visite le musée des Beaux-Arts et son atelier de peinture.\n\n"
    "Départ à 8\u00a0h\u00a045, retour pour 16\u00a0h\u00a030. Merci de prévoir un **pique-nique** "
    "et une gourde\u00a0!",
)
OUTING_PLACE = "Musée des Beaux-Arts, place de la République"

# The printed family's absence notices: to the school this morning (seen by the teacher) and
# to the evening childcare (not seen yet). Reasons are optional; this one is about health.
SCHOOL_ABSENCE_REASON = "Fièvre cette nuit\u00a0: il reste à la maison aujourd’hui."
EVENING_ABSENCE_REASON = "Sa grand-mère vient la chercher à la sortie de l’école."

# The printed parent writes to the city service, which answers.
SERVICE_THREAD_SUBJECT = "Mercredis pendant les vacances d’hiver\u00a0?"
SERVICE_THREAD_QUESTION = (
    "Bonjour,\n\n{child} va à l’accueil de loisirs le mercredi. L’accueil est-il ouvert pendant "
    "les vacances d’hiver\u00a0? Faut-il une nouvelle inscription\u00a0?\n\nMerci d’avance,\n{parent}"
)
SERVICE_THREAD_ANSWER = (
    "Bonjour,\n\nOui, l’accueil de loisirs reste ouvert pendant les vacances d’hiver, mais il faut "
    "une inscription à part\u00a0: elle ouvre lundi dans «\u00a0Activités\u00a0». Nous gardons une place "
    "pour {child} jusqu’au vendredi suivant.\n\nBonne journée,\n{agent}, {service}"
)

# A city post for the families of 6–11-year-olds who use the evening childcare.
CRITERIA_AGES = (6, 11)
CRITERIA_POST = (
    "Aide aux devoirs à la médiathèque",
    "Chaque mardi de 17\u00a0h à 18\u00a0h, les bibliothécaires accueillent les enfants de l’accueil "
    "du soir pour l’aide aux devoirs.\n\nC’est gratuit\u00a0; les animateurs les accompagnent à pied. "
    "Une question\u00a0? Répondez à ce message.",
)
