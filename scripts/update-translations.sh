#!/usr/bin/env bash
# Refresh the English catalogue after adding or changing marked strings:
#   1. makemessages collects every marked string into locale/en/LC_MESSAGES/django.po
#      (new ones come in with an empty msgstr, changed ones may come in marked fuzzy),
#   2. compilemessages rebuilds django.mo (checked in, so a fresh machine needs no gettext),
#   3. the untranslated and fuzzy entries are counted and listed.
# Translate what is listed (edit django.po: fill msgstr, delete the "#, fuzzy" line), then run
# this again. `--check` exits with status 1 while anything is missing (for CI or a pre-commit hook).
# Needs GNU gettext (Debian: apt-get install gettext).
set -euo pipefail

cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
PO=locale/en/LC_MESSAGES/django.po
CHECK=0
[[ "${1:-}" == "--check" ]] && CHECK=1

for tool in xgettext msgmerge msgfmt msgattrib; do
    command -v "$tool" >/dev/null || { echo "$tool not found: install GNU gettext (apt-get install gettext)" >&2; exit 2; }
done

# The only JavaScript (dashboards/static/dashboards/live.js) takes its words from the page, so no djangojs.
"$PY" manage.py makemessages -l en \
    --ignore=.venv --ignore="$VENV" --ignore=var --ignore=staticfiles --ignore=artifacts --ignore=tests \
    --no-obsolete
"$PY" manage.py compilemessages -l en --ignore=.venv --ignore="$VENV"

total=$(msgattrib --no-obsolete "$PO" | grep -c '^msgid ' || true)
total=$((total - 1))  # the header
untranslated=$(msgattrib --untranslated --no-obsolete "$PO" | grep -c '^msgid ' || true)
untranslated=$((untranslated > 0 ? untranslated - 1 : 0))
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$PO" | grep -c '^msgid ' || true)
fuzzy=$((fuzzy > 0 ? fuzzy - 1 : 0))

echo "English catalogue: $total strings, $untranslated untranslated, $fuzzy fuzzy ($PO)"
if (( untranslated + fuzzy > 0 )); then
    echo
    echo "To translate (untranslated, then fuzzy):"
    { msgattrib --no-wrap --untranslated --no-fuzzy --no-obsolete "$PO"; msgattrib --no-wrap --only-fuzzy --no-obsolete "$PO"; } \
        | grep -E '^(#:|#, fuzzy|msgid |msgid_plural )' | grep -v '^msgid ""$' || true
    (( CHECK )) && exit 1
fi
exit 0
