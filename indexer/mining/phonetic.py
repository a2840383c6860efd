"""How alike a Hangul loanword and an English word sound: 제너레이터 ↔ generator, 클릭재킹 ↔ clickjacking.

Both words are read into one sound alphabet — consonant classes as Korean loanword spelling writes them
(ㄱ/ㅋ for k, c, g; ㅂ/ㅍ for b, p, f, v; ㅈ/ㅊ for j, ch, soft g, z; ㄹ for l and r …) and five vowel
classes — following the regular correspondences of Korean loanword orthography: English spelling is read
with its usual pronunciation rules (soft c and g before e/i/y, -tion as 션, silent final e, r after a
vowel unpronounced, doubled letters once), Hangul with the epenthetic ㅡ of consonant clusters (스트림 ↔
stream) and the doubled ㄹ of an intervocalic l (컬러 ↔ color) left out. The two readings are compared by an
edit distance in which consonants count fully and vowels, whose English spelling says little, a fifth.

>>> similarity("클릭재킹", "clickjacking"), similarity("스레드", "thread") > 0.8
(1.0, True)
>>> similarity("학습", "learning") < 0.5
True
"""
from __future__ import annotations

import re
from functools import lru_cache

# Consonant classes (upper case) and vowel classes (lower case: a e i o u, v for ㅓ, w a glide).
_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_CHO_SOUND = ["K", "K", "N", "T", "T", "L", "M", "P", "P", "S", "S", "", "J", "J", "J", "K", "T", "P", "H"]
# ㅓ/ㅕ are "v": the sound English writes as the u of stub, the er of server, the o of son
_JUNG_SOUND = ["a", "a", "a", "a", "v", "e", "v", "e", "o", "wa", "we", "we", "o", "u", "wv", "we", "wi", "u",
               "", "i", "i"]
# final consonants (종성), as loanwords use them: ㅅ is a final t (로봇 ↔ robot), ㅇ is ng
_JONG_SOUND = ["", "K", "K", "KS", "N", "N", "N", "T", "L", "LK", "LM", "LP", "LS", "LT", "LP", "L", "M", "P",
               "PS", "T", "T", "G", "T", "T", "K", "T", "P", ""]
_VOWELS = frozenset("aeiou")  # letters


def hangul_sounds(word: str) -> str:
    """The sound-alphabet reading of a Hangul word (``G`` stands for a final ㅇ, ng)."""
    out: list[str] = []
    for char in word:
        code = ord(char) - 0xAC00
        if not 0 <= code < 11172:
            return ""
        cho, jung, jong = code // 588, (code % 588) // 28, code % 28
        sound = _CHO_SOUND[cho]
        if sound and not (sound == "L" and out and out[-1] == "L"):  # 클릭: the second ㄹ of ㄹㄹ
            out.append(sound)
        vowel = _JUNG_SOUND[jung]
        if vowel:
            out.append(vowel)
        out.extend(_JONG_SOUND[jong])
    return "".join(out)


# English spelling → sounds, longest pattern first; a pattern may look at the next letter (its context).
_RULES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), s) for p, s in [
    (r"A", "ei"), (r"I", "ai"), (r"tch", "J"), (r"[st]ion", "SoN"), (r"ture", "Jo"), (r"dge", "J"),
    (r"sch", "SK"), (r"ch(?=r|l)", "K"), (r"ch", "J"), (r"sh", "S"), (r"ph", "P"), (r"th", "S"), (r"gh", ""),
    (r"ck", "K"), (r"qu", "Kw"), (r"wh", "w"), (r"wr", "L"), (r"kn", "N"), (r"ng", "G"), (r"nk", "GK"),
    (r"x", "KS"), (r"c(?=[eiy])", "S"), (r"c", "K"), (r"g(?=[eiy])", "J"), (r"g", "K"), (r"[kq]", "K"),
    (r"[bpfv]", "P"), (r"[td]", "T"), (r"[sz](?=$)", "S"), (r"s", "S"), (r"z", "J"), (r"j", "J"), (r"m", "M"),
    (r"n", "N"), (r"l", "L"), (r"r", "R"), (r"h", "H"), (r"y(?=[aeiou])", ""), (r"y", "i"),
    (r"w(?=[aeiou])", "w"), (r"w", "u"), (r"[eiu]r(?![aeiouy])|or$", "vR"), (r"ee|ea|ie", "i"),
    (r"oo|ou", "u"), (r"ai|ay|ei|ey", "ei"), (r"oa", "o"), (r"(?<=[bg])ui", "i"), (r"a", "a"), (r"e", "e"),
    (r"i", "i"), (r"o", "o"),
    (r"u(?=[b-df-hj-np-tv-z](?:[b-df-hj-np-tv-z]|$))", "v"), (r"u", "u"),  # stub 스텁, bus 버스; tuple 튜플
]]


def _first_letters(pattern: str) -> set[str]:
    """The letters a rule's match can start with (each alternative's first letter or letter class)."""
    letters: set[str] = set()
    alternatives, depth, start = [], 0, 0
    for i, char in enumerate(pattern):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            alternatives.append(pattern[start:i])
            start = i + 1
    for alternative in [*alternatives, pattern[start:]]:
        alternative = re.sub(r"^\(\?<=[^)]*\)", "", alternative)  # a look-behind consumes nothing
        if alternative.startswith("["):
            spec = alternative[1:alternative.index("]")]
            letters |= {chr(c) for a, b in re.findall(r"(.)-(.)", spec) for c in range(ord(a), ord(b) + 1)}
            letters |= set(re.sub(r".-.", "", spec))
        else:
            letters.add(alternative[0])
    return letters


#: the rules that can match at a letter, in order (a rule never matches where its first letter is not)
_RULES_AT: dict[str, list[tuple[re.Pattern[str], str]]] = {}
for _rule in _RULES:
    for _letter in _first_letters(_rule[0].pattern):
        _RULES_AT.setdefault(_letter, []).append(_rule)


def latin_sounds(word: str) -> str:
    """The sound-alphabet reading of an English word (lower case letters only)."""
    word = word.lower().replace("gg", "k")  # a doubled g is hard (logging)
    word = re.sub(r"([b-df-hj-np-tv-z])\1", r"\1", word)  # doubled consonants sound once
    if len(word) > 3 and word.endswith(("ge", "ce")):
        word = word[:-2] + ("j" if word[-2] == "g" else "s")  # garbage, instance
    elif len(word) > 3 and word.endswith("e") and word[-2] not in _VOWELS:
        # a silent final e lengthens the vowel before its consonant: make 메이크, file 파일
        long_vowel = _LONG.get(word[-3]) if word[-4:-3] not in _VOWELS else None
        word = word[:-3] + long_vowel + word[-2] if long_vowel else word[:-1]
    out: list[str] = []
    position = 0
    while position < len(word):
        for pattern, sound in _RULES_AT.get(word[position], ()):
            found = pattern.match(word, position)
            if found and found.end() > position:
                out.append(sound)
                position = found.end()
                break
        else:
            position += 1  # a digit or another character: no sound
    sounds = "".join(out)
    # r is pronounced only before a vowel; h only before a vowel
    sounds = re.sub(r"R(?![aeiouvw])", "", sounds).replace("R", "L")
    return re.sub(r"H(?![aeiouvw])", "", sounds)


# the long vowels a silent e makes, written with capitals the rules below read as their sounds
_LONG = {"a": "A", "i": "I", "y": "I", "o": "o", "u": "u", "e": "i"}

#: Consonant pairs that loanword spelling confuses with each other (th as ㅅ or ㄷ, z as ㅈ or ㅅ …): half an edit.
_NEAR = frozenset({("S", "J"), ("T", "S"), ("T", "J"), ("S", "T"), ("J", "S"), ("J", "T"), ("G", "N"),
                   ("N", "G"), ("K", "H"), ("H", "K")})


def _cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a in _VOWELS_W and b in _VOWELS_W:
        return 0.2
    if (a, b) in _NEAR:
        return 0.5
    return 1.0


_VOWELS_W = frozenset("aeiouvw")


def _indel(symbol: str) -> float:
    if symbol in _VOWELS_W:
        return 0.2
    return 0.5 if symbol == "H" else 1.0


# the costs above as tables (the symbols of the sound alphabet; anything else costs 1)
_SYMBOLS = "KNTLMPSJGHR" + "aeiouvw"
_INDEL = {symbol: _indel(symbol) for symbol in _SYMBOLS}
_SUBSTITUTE = {(a, b): _cost(a, b) for a in _SYMBOLS for b in _SYMBOLS if _cost(a, b) != 1.0}


def distance(a: str, b: str) -> float:
    """Weighted edit distance between two sound readings (consonants 1, vowels 0.2, near consonants 0.5)."""
    indel, substitute = _INDEL.get, _SUBSTITUTE.get
    inserts = [indel(y, 1.0) for y in b]
    previous = [0.0]
    for cost in inserts:
        previous.append(previous[-1] + cost)
    for x in a:
        delete = indel(x, 1.0)
        left = previous[0] + delete
        current = [left]
        for j, y in enumerate(b):
            change = 0.0 if x == y else substitute((x, y), 1.0)
            left = min(previous[j + 1] + delete, left + inserts[j], previous[j] + change)
            current.append(left)
        previous = current
    return previous[-1]


def consonants(sounds: str) -> str:
    return "".join(c for c in sounds if c.isupper())


@lru_cache(maxsize=1 << 16)
def similarity(hangul: str, latin: str) -> float:
    """1 for the same sounds, 0 or less for unrelated words: 1 − distance / consonants of the longer reading."""
    return sound_similarity(hangul_sounds(hangul), latin_sounds(latin))


def sound_similarity(a: str, b: str) -> float:
    """:func:`similarity` of two readings, for a caller that has them already (the miner keeps each English
    word's reading from computing its sound key: reading it is most of a candidate pair's cost)."""
    if not a or not b:
        return 0.0
    size = max(len(consonants(a)), len(consonants(b)), 1)
    return 1.0 - distance(a, b) / size
