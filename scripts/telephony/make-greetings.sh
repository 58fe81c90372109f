#!/usr/bin/env bash
# Regenerates the recorded greetings and the abandon message used by the telephony tests (espeak-ng + sox).
# The outputs are committed under packages/adapters/test/fixtures/telephony/audio/; rerun only to change them.
set -euo pipefail
out="$(cd "$(dirname "$0")/../.." && pwd)/packages/adapters/test/fixtures/telephony/audio"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
# "Human": a short "Hello?" followed by silence (AMD hears about 0.4 s of voice, then after-greeting silence).
espeak-ng -w "$tmp/hello.wav" "Hello?"
sox "$tmp/hello.wav" -r 8000 -c 1 -e u-law "$out/human-hello.ulaw.wav" pad 0.1 4
# "Machine": a long voicemail greeting (AMD hears a greeting longer than its `greeting` limit).
espeak-ng -w "$tmp/vm.wav" "Hi, you have reached the voicemail of Alex Example. I cannot take your call right now. \
Please leave your name, your number and a short message after the tone, and I will call you back as soon as I can."
sox "$tmp/vm.wav" -r 8000 -c 1 -e u-law "$out/machine-voicemail.ulaw.wav" pad 0.1 0.5
# The abandon (safe-harbour) message Asterisk plays: 8 kHz 16-bit mono, Asterisk's `wav` format.
espeak-ng -w "$tmp/abandon.wav" "This is Outpace Example Company calling. Sorry we missed you. Call us back on \
zero eight hundred, one two three, four five six. Goodbye."
sox "$tmp/abandon.wav" -r 8000 -c 1 -b 16 -e signed-integer "$out/outpace-abandon.wav"
for f in "$out"/*.wav; do printf '%s %ss\n' "$(basename "$f")" "$(soxi -D "$f")"; done
