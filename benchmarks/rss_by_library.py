#!/usr/bin/env python3
"""Where a running MockRouter's resident memory goes, library by library.

Two steps:

1. /proc/PID/smaps: RSS grouped by mapping (the binary, each shared library, [heap], [stack],
   anonymous memory, the binary's .bss).
2. The shipped binary links the Swift runtime, Foundation and ICU statically, so most of the RSS is
   pages of the binary itself. /proc/PID/pagemap (bit 63: present) says which of the binary's pages
   are resident; each resident page is split among the symbols covering it (`nm --defined-only -n
   -S`; in .text a symbol runs to the next one, elsewhere bytes no symbol covers go to their section
   from `readelf -S`: relocations, dynamic symbols, unwind tables, …), and each symbol is attributed
   to a library by its Swift module (the module in the mangled name: `$s10Foundation…`,
   `$s7NIOCore…`; `$ss…`/`$sS…` is the standard library), its C++ namespace (`icu_76::`, `bssl::`,
   `swift::`) or its C prefix (`CF…`, `yaml_…`, `CNIOBoringSSL_…`), with "other" for the rest.
   A generic specialisation counts for the module that defined the generic, not the one that
   asked for it.

  benchmarks/rss_by_library.py PID BINARY [--symbols N]

Reading pagemap needs the same user as the process (root not required for the present bit).
"""

from __future__ import annotations

import argparse
import bisect
import os
import re
import shutil
import struct
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")

# Our own modules (Package.swift targets), reported together.
OWN_MODULES = {"mockrouter", "MockServer", "Playback", "Scenarios", "CassetteFormat", "Dialects", "Validation",
               "BundledDefaults", "RecordingProxy", "MockRouterTesting", "CZlib"}
# ICU's C API is renamed by FoundationICU to swift_u…_ (swift_uhash_puti, swift_udat_open, swift_u_strlen).
ICU_C = re.compile(r"^_?swift_u(prv|[a-z0-9]*)_")
# ICU internals that are C statics or tables (uchar_props_data.h, norm2_nfc_data.h, uloc.cpp, …), and C++ functions
# whose parameters are ICU types.
ICU_OTHER = re.compile(r"icu_\d+|^_ZL\d+u(prv|cnv|col|loc|res|brk|str|case|norm|trie|set|text|data|hash|enum|list|char|script|bidi|props|dat|num|trans|cal|tz)"
                       r"|UErrorCode|UConverter|UText|UChar|propsVectors|propsTrie|norm2_nfc|ucase_props|ubidi_props|block_trie|defaultScriptTable"
                       r"|gCurrencyList|LocaleIDChars|parentLocale|gPosixIDmap|_GLOBAL__N_1\d+(LANGUAGES|COUNTRIES)|^ualoc_|^ulocimp_|gb18030")
BORINGSSL_STATIC = re.compile(r"_ZL\d+(ecp_nistz256|des_skb|DES_SPtrans|kPrimes)")
SWIFT_TOKEN = re.compile(r"s[\dA-Z]")
CF = re.compile(r"_{0,2}k?(CF|_CF)")
DISPATCH = re.compile(r"_?(dispatch_|_dispatch|DISPATCH|_os_object|_Block_|_NSConcreteStackBlock|_NSConcreteGlobalBlock)")
# Sections that carry no symbols, by what they are for.
SECTION_GROUPS = [
    (re.compile(r"^\.(rela\.dyn|rela\.plt|dynsym|dynstr|gnu\.hash|gnu\.version.*|dynamic|got|got\.plt|plt|interp|note.*)$"),
     "dynamic linking tables (.rela.dyn, .dynsym, .dynstr, .gnu.hash, .got, …)"),
    (re.compile(r"^\.(eh_frame|eh_frame_hdr|gcc_except_table)$"), "unwind tables (.eh_frame, .eh_frame_hdr, .gcc_except_table)"),
    (re.compile(r"^(swift5_|\.swift_modhash)"), "Swift reflection metadata (swift5_* sections)"),
]


@lru_cache(maxsize=None)
def classify(name: str) -> str:
    """The library a symbol belongs to, from its name."""
    if name.startswith("got."):
        name = name[4:]
    if name.startswith("icudt") and re.match(r"icudt\d+_dat$", name):
        return "FoundationICU: ICU data (icudt*_dat)"
    if name.startswith("$s"):
        return swift_module(name[2:])
    if " " in name:
        # Swift's named helpers and symbolic references: `symbolic _____ 20FoundationEssentials8CalendarV`,
        # `get_witness_table 10Foundation…`, `associated conformance 7NIOCore…`: the mangled part names the module.
        for token in reversed(name.split()):
            if token[:1].isdigit() or SWIFT_TOKEN.match(token):
                return swift_module(token)
        return "other"
    if ICU_C.match(name) or ICU_OTHER.search(name):
        return "FoundationICU: ICU code and tables"
    if "_swift_stdlib" in name:
        return "Swift standard library"  # its Unicode tables
    if name.startswith(("CNIOBoringSSL", "_ZN4bssl", "_ZNK4bssl", "_ZTVN4bssl", "_ZN5mlkem", "_ZN5mldsa")) or "bssl" in name[:24] or "fips" in name[:24] \
            or BORINGSSL_STATIC.match(name):
        return "BoringSSL (via NIOSSL)"
    if "swift" in name or name.startswith("_ZL21InitialAllocationPool"):
        return "Swift runtime (C++)"
    if CF.match(name):
        return "CoreFoundation (C, part of Foundation)"
    if DISPATCH.match(name):
        return "libdispatch and BlocksRuntime (C)"
    if name.startswith(("yaml_", "CYaml")):
        return "Yams"
    if name.startswith(("CNIO", "c_nio_", "cnio")):
        return "NIO (C shims)"
    if name.startswith(("_ZNSt", "_ZSt", "_ZNKSt", "_ZTVSt", "_ZTISt", "__cxa", "__gxx")):
        return "C++ standard library (inlined)"
    return "other"


def section_group(section: str) -> str:
    """What bytes of `section` that no symbol covers are."""
    for pattern, label in SECTION_GROUPS:
        if pattern.match(section):
            return label
    return f"no symbol: {section}" + (" (string literals, constants)" if section == ".rodata" else "")


def swift_module(mangled: str) -> str:
    """The Swift module a mangled name (after `$s`) starts with: `10Foundation…` → Foundation, `s…`/`S…` → the standard library."""
    digits = len(mangled) - len(mangled.lstrip("0123456789"))
    if digits:
        module = mangled[digits:digits + int(mangled[:digits])]
        if module in OWN_MODULES:
            return "MockRouter's own modules"
        if module == "Swift":
            return "Swift standard library"
        if module.startswith(("NIO", "_NIO")):
            return f"swift-nio: {module}"
        return module
    if mangled.startswith(("So", "SC")):
        return "imported C types (Swift metadata)"
    if mangled.startswith("Sc"):
        return "_Concurrency"
    if mangled.startswith(("s", "S")):
        return "Swift standard library"
    return "other Swift"


@dataclass
class Mapping:
    start: int
    end: int
    offset: int
    dev: str
    inode: int
    path: str
    rss_kb: int = 0
    anon_kb: int = 0


def read_smaps(pid: int) -> list[Mapping]:
    """Every mapping of the process with its Rss and Anonymous (kB)."""
    maps: list[Mapping] = []
    header = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) \S+ ([0-9a-f]+) (\S+) (\d+)\s*(.*)$")
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        m = header.match(line)
        if m:
            maps.append(Mapping(int(m.group(1), 16), int(m.group(2), 16), int(m.group(3), 16), m.group(4), int(m.group(5)), m.group(6)))
        elif line.startswith("Rss:"):
            maps[-1].rss_kb = int(line.split()[1])
        elif line.startswith("Anonymous:"):
            maps[-1].anon_kb = int(line.split()[1])
    return maps


def elf_layout(binary: str) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, str]]]:
    """The binary's PT_LOAD segments (file offset, vaddr, file size) and allocated sections (start, end, name)
    from `readelf`; thread-local sections are left out (their addresses are offsets, not places)."""
    loads = []
    for line in subprocess.run(["readelf", "-lW", binary], check=True, capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["LOAD"]:
            loads.append((int(parts[1], 16), int(parts[2], 16), int(parts[4], 16)))
    sections = []
    row = re.compile(r"^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*)")
    for line in subprocess.run(["readelf", "-SW", binary], check=True, capture_output=True, text=True).stdout.splitlines():
        m = row.match(line)
        if m and "A" in m.group(4) and "T" not in m.group(4) and int(m.group(3), 16) > 0:
            start = int(m.group(2), 16)
            sections.append((start, start + int(m.group(3), 16), m.group(1)))
    return loads, sorted(sections)


def symbol_ranges(binary: str, sections: list[tuple[int, int, str]]) -> tuple[list[int], list[int], list[str], bool]:
    """Disjoint address ranges (starts, ends, names) of the binary's symbols, sorted. A symbol covers its
    `nm -S` size, or up to the next symbol when it has none, never past its section. In .text it covers up to
    the next symbol (alignment padding and unnamed local code come from the same object file). Aliases (several
    names at one address) keep the largest; the linker's __start_/__stop_ section markers are left out. The last
    value says whether the binary was stripped (only its exported symbols were there to read)."""
    out = subprocess.run(["nm", "--defined-only", "-n", "-S", binary], check=True, capture_output=True, text=True).stdout
    stripped = not out.strip()
    if stripped:
        # A stripped binary (scripts/package ships one): only the exported (dynamic) symbols are left.
        out = subprocess.run(["nm", "-D", "--defined-only", "-n", "-S", binary], check=True, capture_output=True, text=True).stdout
    sec_starts = [s for s, _, _ in sections]
    best: dict[int, tuple[int, str]] = {}
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 3:
            continue
        if len(parts[1]) == 1:
            size, kind, name = 0, parts[1], line.split(" ", 2)[2]
        else:
            size, kind, name = int(parts[1], 16), parts[2], parts[3] if len(parts) > 3 else ""
        if kind in "aANU?" or name.startswith(("__start_", "__stop_")):
            continue
        addr = int(parts[0], 16)
        i = bisect.bisect_right(sec_starts, addr) - 1
        if i < 0 or not (sections[i][0] <= addr < sections[i][1]):
            continue  # thread-local or absolute: not an address in the image
        if addr not in best or size > best[addr][0]:
            best[addr] = (size, name)
    addrs = sorted(best)
    starts, ends, names = [], [], []
    for k, addr in enumerate(addrs):
        size, name = best[addr]
        _, sec_end, sec_name = sections[bisect.bisect_right(sec_starts, addr) - 1]
        nxt = min(addrs[k + 1] if k + 1 < len(addrs) else sec_end, sec_end)
        starts.append(addr)
        ends.append(min(addr + size, nxt) if size and sec_name != ".text" else nxt)
        names.append(name)
    return starts, ends, names, stripped


@dataclass
class Breakdown:
    pid: int
    binary: str
    total_rss_kb: int = 0
    total_anon_kb: int = 0
    mappings: list[tuple[str, int, int]] = field(default_factory=list)   # (mapping, rss kB, anonymous kB), largest first
    binary_resident: int = 0                                            # bytes of the binary's image resident
    libraries: list[tuple[str, int]] = field(default_factory=list)      # (library, bytes), largest first
    sections: list[tuple[str, int]] = field(default_factory=list)       # (section, bytes), largest first
    symbols: list[tuple[str, int]] = field(default_factory=list)        # (symbol, bytes), largest first
    stripped: bool = False                                              # only exported symbols: the attribution is rough


def breakdown(pid: int, binary: str) -> Breakdown:
    """RSS by mapping, and the binary's resident pages by library, section and symbol."""
    result = Breakdown(pid, binary)
    maps = read_smaps(pid)
    st = os.stat(binary)
    real = os.path.realpath(binary)
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}"
    mine = [m for m in maps if m.path and ((m.dev, m.inode) == (dev, st.st_ino) or m.path == real)]
    if not mine:
        raise SystemExit(f"{binary} is not mapped by process {pid}")
    loads, sections = elf_layout(real)
    # The load bias: where the image's vaddr 0 is in the process (from the mapping of file offset 0).
    first = min(mine, key=lambda m: m.offset)
    seg = next(l for l in loads if l[0] <= first.offset < l[0] + max(l[2], 1))
    bias = first.start - (seg[1] + first.offset - seg[0])
    image_end = bias + max(s[1] for s in sections)
    # Mappings inside the image's span that have no file behind them (.bss, and the part of .data beyond
    # the file) belong to the binary too.
    image = [m for m in maps if m in mine or (not m.path and bias <= m.start < image_end)]

    groups: Counter[str] = Counter()
    anon: Counter[str] = Counter()
    name = Path(real).name
    for m in maps:
        if m in mine:
            key = f"the binary ({name}), file-backed"
        elif m in image:
            key = f"the binary ({name}), .bss (anonymous)"
        elif m.path.startswith("["):
            key = m.path
        elif m.path:
            key = Path(m.path).name
        else:
            key = "anonymous (malloc arenas, thread stacks, …)"
        groups[key] += m.rss_kb
        anon[key] += m.anon_kb
    result.total_rss_kb = sum(groups.values())
    result.total_anon_kb = sum(anon.values())
    result.mappings = [(k, v, anon[k]) for k, v in groups.most_common()]

    # Resident pages of the image (pagemap: 8 bytes per page, bit 63 = present), as vaddr ranges of the ELF.
    resident: list[int] = []
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for m in image:
            pages = (m.end - m.start) // PAGE
            pagemap.seek(m.start // PAGE * 8)
            entries = struct.unpack(f"<{pages}Q", pagemap.read(pages * 8))
            resident += [m.start + i * PAGE - bias for i, e in enumerate(entries) if e >> 63 & 1]
    result.binary_resident = len(resident) * PAGE

    starts, ends, names, result.stripped = symbol_ranges(real, sections)
    sec_starts = [s for s, _, _ in sections]
    libraries: Counter[str] = Counter()
    by_section: Counter[str] = Counter()
    by_symbol: Counter[str] = Counter()
    for page in resident:
        page_end = page + PAGE
        # Sections this page overlaps, then the symbols within them; what no symbol covers goes to the section.
        i = max(bisect.bisect_right(sec_starts, page) - 1, 0)
        covered_by_sections = 0
        while i < len(sections) and sections[i][0] < page_end:
            lo, hi = max(sections[i][0], page), min(sections[i][1], page_end)
            if lo < hi:
                covered_by_sections += hi - lo
                by_section[sections[i][2]] += hi - lo
                covered = 0
                j = max(bisect.bisect_right(starts, lo) - 1, 0)
                while j < len(starts) and starts[j] < hi:
                    a, b = max(starts[j], lo), min(ends[j], hi)
                    if a < b:
                        covered += b - a
                        libraries[classify(names[j])] += b - a
                        by_symbol[names[j]] += b - a
                    j += 1
                if hi - lo > covered:
                    libraries[section_group(sections[i][2])] += hi - lo - covered
            i += 1
        if PAGE > covered_by_sections:
            libraries["no section (ELF headers, padding)"] += PAGE - covered_by_sections
            by_section["(none)"] += PAGE - covered_by_sections
    # Group the many small "no symbol" sections: the large ones keep their names.
    grouped: Counter[str] = Counter()
    for lib, n in libraries.items():
        grouped[lib if not lib.startswith("no symbol: ") or n >= 512 * 1024 else "no symbol: other sections"] += n
    result.libraries = grouped.most_common()
    result.sections = by_section.most_common()
    result.symbols = by_symbol.most_common()
    return result


def summary(b: Breakdown, maps: int = 5, libraries: int = 8) -> str:
    """One line for benchmarks/run: the largest mappings, and the largest libraries within the binary (MB)."""
    by_map = ", ".join(f"{k} {kb / 1024:.1f}" for k, kb, _ in b.mappings[:maps])
    by_lib = ", ".join(f"{k} {n / 2**20:.1f}" for k, n in b.libraries[:libraries])
    rough = " (stripped binary: exported symbols only, rough)" if b.stripped else ""
    return f"by mapping (MB): {by_map}; the binary's {b.binary_resident / 2**20:.1f} MB resident by library{rough} (MB): {by_lib}"


def demangled(names: list[str]) -> list[str]:
    """`swift demangle --simplified` of the names when the toolchain is there (C++ names through c++filt), else the names."""
    tool = shutil.which("swift-demangle")
    if tool:
        names = subprocess.run([tool, "--simplified", "--compact"], input="\n".join(names), capture_output=True, text=True).stdout.splitlines()
    if shutil.which("c++filt"):
        names = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True).stdout.splitlines()
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pid", type=int)
    parser.add_argument("binary")
    parser.add_argument("--symbols", type=int, default=15, help="how many of the largest resident symbols to list (default 15)")
    args = parser.parse_args()
    b = breakdown(args.pid, args.binary)
    mb = lambda n: f"{n / 2**20:.2f}"
    print(f"RSS of process {b.pid} by mapping (/proc/{b.pid}/smaps): {b.total_rss_kb / 1024:.1f} MB, of which anonymous {b.total_anon_kb / 1024:.1f} MB\n")
    print("| mapping | RSS MB | anonymous MB |\n|---|---:|---:|")
    for k, rss, an in b.mappings:
        if rss:
            print(f"| {k} | {rss / 1024:.2f} | {an / 1024:.2f} |")
    source = "exported symbols only (`nm -D`): the binary is stripped, so this is rough" if b.stripped else "symbols from `nm`"
    print(f"\nThe binary's resident pages ({mb(b.binary_resident)} MB, /proc/{b.pid}/pagemap) by library ({source}):\n")
    print("| library | MB | share |\n|---|---:|---:|")
    for k, n in b.libraries:
        if n >= 16 * 1024:
            print(f"| {k} | {mb(n)} | {n / b.binary_resident:.1%} |")
    rest = sum(n for _, n in b.libraries if n < 16 * 1024)
    if rest:
        print(f"| (libraries under 16 KB each) | {mb(rest)} | {rest / b.binary_resident:.1%} |")
    print("\nBy section:\n\n| section | MB |\n|---|---:|")
    for k, n in b.sections:
        if n >= 64 * 1024:
            print(f"| {k} | {mb(n)} |")
    if args.symbols:
        top = b.symbols[:args.symbols]
        print(f"\nLargest resident symbols:\n\n| symbol | library | MB |\n|---|---|---:|")
        for (raw, n), pretty in zip(top, demangled([s for s, _ in top])):
            print(f"| `{pretty[:110]}` | {classify(raw)} | {mb(n)} |")


if __name__ == "__main__":
    main()
