#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks kmod/'s layering (run by 'make lint').

Every quoted include of a kmod/ file must follow these rules:
  - a file in kmod/core/ includes only core headers;
  - a feature (kmod/tls/, kmod/socks/, kmod/starttls/) includes core
    headers and its own, never another feature's;
  - no include circle among kmod/'s headers.
Prints each breach and exits 1 if there is one.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'kmod')
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def includes(path):
    """The kmod/-relative paths a file includes."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    here = os.path.dirname(os.path.relpath(path, ROOT))
    out = []
    for name in INC.findall(text):
        # "folder/x.h" from kmod/ (-I$(src)), or "x.h" beside the file.
        for cand in (name, os.path.join(here, name)):
            if os.path.isfile(os.path.join(ROOT, cand)):
                out.append(os.path.normpath(cand))
                break
        else:
            out.append(None)
            print(f'{os.path.relpath(path, ROOT)}: "{name}" not in kmod/')
    return out


def main():
    files = {}
    for d, _, names in os.walk(ROOT):
        for n in names:
            if n.endswith(('.c', '.h')) and not n.endswith('.mod.c'):
                p = os.path.join(d, n)
                files[os.path.relpath(p, ROOT)] = includes(p)
    bad = any(None in v for v in files.values())
    for f, incs in sorted(files.items()):
        folder = f.split('/')[0]
        for i in incs:
            if i is None:
                continue
            to = i.split('/')[0]
            if '/' not in f or '/' not in i:
                continue	# a flat layout: only circles are checked
            if folder != 'core' and to not in (folder, 'core'):
                print(f'{f}: includes {i}: a feature includes only core '
                      'headers and its own')
                bad = True
            if folder == 'core' and to != 'core':
                print(f'{f}: includes {i}: core includes no feature')
                bad = True
    # Circles among headers: depth-first search.
    state = {}

    def visit(h, stack):
        nonlocal bad
        if state.get(h) == 1:
            print('include circle: ' + ' -> '.join(stack[stack.index(h):]
                                                  + [h]))
            bad = True
            return
        if state.get(h) == 2:
            return
        state[h] = 1
        for i in files.get(h, []):
            if i and i.endswith('.h'):
                visit(i, stack + [h])
        state[h] = 2

    for f in sorted(files):
        visit(f, [])
    n = sum(len(v) for v in files.values())
    print(f'check-includes: {len(files)} files, {n} includes: '
          + ('BAD' if bad else 'layering holds, no circle'))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
