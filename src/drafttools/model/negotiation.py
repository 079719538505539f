"""The negotiating vocabulary as data: the statuses a paragraph can carry, the proponents an alternative can
name, and how an alternative is written inside square brackets.

A negotiating text marks each element with ``:status: agreed`` (or ``agreed-ad-ref``, ``open``) and writes the
competing wordings as bracketed alternatives naming who proposed them: ``[Alt 1 (BRA, IND): words] [Alt 2 (EU):
other words]``.  A proponent is a Member State's ISO 3166-1 alpha-3 code, a group or region, or an
organization, each known here by its short code (a new group or organization is added to ``GROUPS`` or
``ORGANIZATIONS`` below).  Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# status → how a reader names it; the agreed ones may hold no brackets
STATUSES: dict[str, str] = {
    "open": "under negotiation",
    "agreed-ad-ref": "agreed ad referendum",
    "agreed": "agreed",
}
AGREED = frozenset({"agreed", "agreed-ad-ref"})

# ISO 3166-1 alpha-3: the Member States and territories a delegation can speak for
COUNTRIES = frozenset(
    """
    ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR BHR BHS BIH
    BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB
    CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO
    GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN
    IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA
    MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER
    NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU
    RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA
    TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT
    WLF WSM YEM ZAF ZMB ZWE
    """.split()
)

# groups, regions and organizations that speak in WHO negotiations, by the code a negotiating text prints
GROUPS: dict[str, str] = {
    "EU": "European Union",
    "AU": "African Union",
    "AFRICAN-GROUP": "African Group",
    "G77": "Group of 77 and China",
    "ASEAN": "Association of Southeast Asian Nations",
    "GCC": "Gulf Cooperation Council",
    "CARICOM": "Caribbean Community",
    "OIC": "Organisation of Islamic Cooperation",
    "NAM": "Non-Aligned Movement",
    "LDC": "least developed countries",
    "SIDS": "small island developing States",
    "AFR": "WHO African Region",
    "AMR": "WHO Region of the Americas",
    "SEAR": "WHO South-East Asia Region",
    "EUR": "WHO European Region",
    "EMR": "WHO Eastern Mediterranean Region",
    "WPR": "WHO Western Pacific Region",
}
ORGANIZATIONS: dict[str, str] = {
    "WHO": "World Health Organization (the Secretariat)",
    "ILO": "International Labour Organization",
    "IOM": "International Organization for Migration",
    "OECD": "Organisation for Economic Co-operation and Development",
    "UNHCR": "Office of the United Nations High Commissioner for Refugees",
    "UNICEF": "United Nations Children's Fund",
    "BUREAU": "the Bureau of the negotiating body",
    "CHAIR": "the Chair or a facilitator",
}
KNOWN = COUNTRIES | frozenset(GROUPS) | frozenset(ORGANIZATIONS)

# "[Alt 1 (BRA, IND): words]": the label, the proponents in parentheses (optional, so that a missing one can be
# reported), a colon; "Alternative" and "Option" are spelled out in some texts
_ALTERNATIVE = re.compile(r"\[\s*((?:Alt|Alternative|Option)\s+[\w.]+)\s*(?:\(([^()]*)\))?\s*:")


@dataclass(frozen=True, slots=True)
class Alternative:
    label: str  # "Alt 1"
    proponents: tuple[str, ...]  # ("BRA", "IND"), as written


def alternative(bracketed: str) -> Alternative | None:
    """The alternative a bracketed text opens with ("[Alt 1 (BRA, IND): ..." → Alt 1, BRA and IND), or None for
    an ordinary bracket."""
    found = _ALTERNATIVE.match(bracketed)
    if found is None:
        return None
    named = found.group(2) or ""
    return Alternative(" ".join(found.group(1).split()), tuple(p.strip() for p in named.split(",") if p.strip()))


def unknown(proponents: tuple[str, ...]) -> list[str]:
    """The proponents in none of the known lists."""
    return [p for p in proponents if p not in KNOWN]


# The Word styles of a negotiating text (``drafttools review negotiating``), by role.  ``import`` reads a file
# holding them back into the source's syntax: a "Negotiating Status" run is the element's status in words (read
# into ``:status:``), "Deleted Since" runs and the note, legend and deleted-element paragraphs are a record of the
# negotiation, not words of the text, and are left out.
WORD_STYLES: dict[str, str] = {
    "heading": "Negotiating Heading",
    "para": "Negotiating Paragraph",
    "lead-in": "Negotiating Lead-in",
    "item": "Negotiating Item",
    "item2": "Negotiating Item 2",
    "legend": "Negotiating Legend",
    "note": "Negotiating Note",
    "deleted": "Negotiating Deleted Element",
    "status": "Negotiating Status",
    "struck": "Deleted Since",
    "label": "Alternative Label",
}
WORD_RECORD_PARAGRAPHS = frozenset({WORD_STYLES["legend"], WORD_STYLES["note"], WORD_STYLES["deleted"]})
WORD_RECORD_RUNS = frozenset({WORD_STYLES["struck"]})


def status_of(words: str) -> str:
    """The status a negotiating text's status words name ("(proposed, agreed ad referendum)" → "agreed-ad-ref"),
    or "" for none."""
    said = [w.strip().lower() for w in words.strip().strip("()").split(",")]
    by_words = {v: k for k, v in STATUSES.items()}
    return next((by_words[w] for w in said if w in by_words), "")
