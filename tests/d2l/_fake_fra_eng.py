"""A small stand-in for D2L's ``fra-eng.zip`` (English-French sentence pairs from the Tatoeba
project, which the book downloads and this test cannot reach): a few dozen short pairs in the
book's raw format, one ``English<TAB>French`` pair a line, French punctuation after a narrow
no-break space (U+202F) as in the original file, so ``preprocess_nmt`` has its work to do.
The first lines are those the book prints; the rest are short everyday sentences written for
this test, with words repeated often enough that ``Vocab(min_freq=2)`` keeps most of them.

``write(root)`` puts them at ``root/fra-eng/fra.txt`` (what ``d2l.download_extract('fra-eng')``
leaves) and returns ``root/fra-eng``.
"""
import os

NNBSP = "\u202f"

PAIRS = [
    ("Go.", "Va !"), ("Hi.", "Salut !"), ("Run!", "Cours !"), ("Run!", "Courez !"),
    ("Who?", "Qui ?"), ("Wow!", "Ça alors !"), ("Fire!", "Au feu !"), ("Help!", "À l'aide !"),
    ("Jump.", "Saute."), ("Stop!", "Ça suffit !"), ("Stop!", "Stop !"), ("Wait!", "Attends !"),
    ("Wait!", "Attendez !"), ("Go on.", "Continue."), ("Hello!", "Bonjour !"), ("Hello!", "Salut !"),
    ("I see.", "Je comprends."), ("I try.", "J'essaye."), ("I won!", "J'ai gagné !"),
    ("I won.", "J'ai gagné."), ("Oh no!", "Oh non !"), ("Relax.", "Détends-toi."),
    ("Smile.", "Souris."), ("Go now.", "Va maintenant."), ("I lost.", "J'ai perdu."),
    ("I paid.", "J'ai payé."), ("I sang.", "J'ai chanté."), ("I'm OK.", "Je vais bien."),
    ("I'm up.", "Je suis debout."), ("Be calm.", "Sois calme."), ("Be nice.", "Sois gentil."),
    ("Come in.", "Entre."), ("Come on.", "Allez !"), ("Get out!", "Sors !"), ("Go away!", "Va-t'en !"),
    ("He ran.", "Il a couru."), ("He's calm.", "Il est calme."), ("He's nice.", "Il est gentil."),
    ("He's home.", "Il est chez lui."), ("He's sad.", "Il est triste."), ("I'm home.", "Je suis chez moi."),
    ("I'm sad.", "Je suis triste."), ("I'm calm.", "Je suis calme."), ("I'm tired.", "Je suis fatigué."),
    ("I'm cold.", "J'ai froid."), ("I'm late.", "Je suis en retard."), ("I'm nice.", "Je suis gentil."),
    ("She's sad.", "Elle est triste."), ("She's home.", "Elle est chez elle."),
    ("She's calm.", "Elle est calme."), ("She's tired.", "Elle est fatiguée."),
    ("We lost.", "Nous avons perdu."), ("We won.", "Nous avons gagné."), ("We're home.", "Nous sommes chez nous."),
    ("We're sad.", "Nous sommes tristes."), ("We're late.", "Nous sommes en retard."),
    ("You lost.", "Tu as perdu."), ("You won.", "Tu as gagné."), ("Go home.", "Va chez toi."),
    ("Be quiet.", "Sois calme."), ("I'm lost.", "Je suis perdu."), ("He lost.", "Il a perdu."),
    ("He won.", "Il a gagné."), ("She won.", "Elle a gagné."), ("She lost.", "Elle a perdu."),
]


def text():
    """The file's content: one pair a line, the French '!' and '?' after U+202F."""
    lines = []
    for eng, fra in PAIRS:
        lines.append(eng + "\t" + fra.replace(" !", NNBSP + "!").replace(" ?", NNBSP + "?"))
    return "\n".join(lines) + "\n"


def write(root):
    data_dir = os.path.join(root, "fra-eng")
    os.makedirs(data_dir, exist_ok=True)
    with open(os.path.join(data_dir, "fra.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text())
    return data_dir
