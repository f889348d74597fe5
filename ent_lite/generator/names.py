"""Words of the generated city: the demo's first and last names, and places."""
from __future__ import annotations

from ent_lite.demo.data import ADULT_MEN, ADULT_WOMEN, BOY_NAMES, GIRL_NAMES, LAST_NAMES  # noqa: F401

SCHOOL_NAMESAKES = [
    "Jules Ferry", "Jean Jaurès", "Victor Hugo", "Louise Michel", "Jean Moulin", "Paul Bert",
    "Marie Curie", "Pierre Brossolette", "Lucie Aubrac", "Jacques Prévert", "Anatole France",
    "Condorcet", "Simone Veil", "Gambetta", "Pasteur", "Les Tilleuls", "Les Marronniers",
    "Le Parc", "La Fontaine", "Jean Macé", "Voltaire", "George Sand", "Molière", "Colette",
]
DISTRICTS = [
    "Centre", "Nord", "Sud", "Est", "Ouest", "Gare", "Port", "Plateau", "Vieille Ville",
    "Les Coteaux", "La Plaine", "Le Moulin", "Saint-Jean", "Les Prés", "La Croix-Rousse",
    "Bellevue", "Les Sablons", "Le Canal", "La Source", "Les Vignes",
]
CLASS_POST_TITLES = [
    "Cette semaine en classe", "Sortie à la médiathèque", "Poésie du mois", "Atelier peinture",
    "Rappel\u00a0: cahiers à signer", "Piscine jeudi", "Projet jardin", "Photos de la semaine",
    "Chorale", "Travail à la maison", "Anniversaires du mois", "Sortie au musée",
]
CLASS_POST_BODIES = [
    "Bonjour à tous,\n\nCette semaine nous avons travaillé sur **les nombres** et la lecture. Merci de vérifier les cahiers.",
    "Chers parents,\n\nPensez à fournir une tenue adaptée pour l’activité de jeudi.\n\n- un sac\n- une gourde",
    "Bonjour,\n\nLes enfants ont appris une nouvelle poésie\u00a0: vous pouvez la réciter avec eux à la maison.",
    "Bonjour,\n\nVoici quelques nouvelles de la classe. Les enfants sont très investis dans le projet *jardin*.",
]
SCHOOL_POST_TITLES = [
    "Conseil d’école", "Photo de classe", "Kermesse de fin d’année", "Élections des parents",
    "Exercice de sécurité", "Fermeture exceptionnelle", "Menus de la cantine", "Fête de l’école",
]
SCHOOL_POST_BODY = "Madame, Monsieur,\n\nVous trouverez ci-dessous les informations de l’école pour les semaines à venir."
PERISCOLAIRE_POST = ("Programme de l’accueil du soir", "Bonjour,\n\nVoici le programme des ateliers de l’accueil du soir.")
CITY_POST = ("Inscriptions aux activités", "Madame, Monsieur,\n\nLes inscriptions aux activités de la ville sont ouvertes.")
THREAD_SUBJECTS = [
    "Absence la semaine prochaine", "Question sur les devoirs", "Rendez-vous", "Oubli de cahier",
    "Sortie scolaire", "Santé", "Cantine", "Comportement en classe", "Objet perdu",
]
MESSAGES = [
    "Bonjour, pourriez-vous me dire ce qu’il faut prévoir ? Merci.",
    "Bonjour, c’est noté, merci de m’avoir prévenue.",
    "Bien sûr, je vous propose de nous voir jeudi à 16 h 30.",
    "Merci beaucoup pour votre retour.",
    "Bonjour, il a oublié son cahier à la maison, il le rapportera demain.",
]
POLL = ("Qui peut accompagner la sortie\u00a0?", ["Mardi", "Jeudi", "Je ne peux pas"])
AUTHORISATION_TITLE = "Autorisation de sortie"
SCHOOL_EVENTS = [("Réunion parents-enseignants", "meeting"), ("Conseil d’école", "meeting"),
                 ("Photo de classe", "other"), ("Fête de l’école", "other"), ("Sortie au théâtre", "outing")]
