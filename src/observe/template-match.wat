;; Line templates matched in WebAssembly (line-templates.ts learns them; see line-scanner.ts).
;;
;; A template is a log line the regexes proved valid, with each unsigned integer outside strings
;; made a slot. It is kept as a program: literal segments, an integer slot between each two.
;; A line matches when its bytes equal each segment in turn and each slot is one unsigned JSON
;; integer (digits, no leading zero): the test a regex `literal(?!0[0-9])[0-9]+literal…` makes,
;; 16 bytes at a time (V8's regexes compare a character at a time: they were half of a first scan).
;;
;; Memory (the layout constants are exported, so JS reads them from here):
;;   HEADS   i32 per line length 0..MAX_LINE (newline included): first slot + 1 (0: none)
;;   SLOTS   16 bytes per template slot: next slot + 1 of the same length, lines counted,
;;           program offset, segment count
;;   PROGS   PROG_BYTES per slot: segments, each an i32 length and its bytes
;;   DATA    the bytes to scan, DATA_BYTES at most
;; Each area ends 16 bytes before the next: 16-byte loads past a segment or a line stay inside
;; memory, and their extra bytes are masked off.
(module
  (memory (export "memory") 18)
  (global $MAX_LINE (export "MAX_LINE") i32 (i32.const 4096))
  (global (export "SLOT_COUNT") i32 (i32.const 64))
  (global (export "HEADS") i32 (i32.const 0))
  (global $SLOTS (export "SLOTS") i32 (i32.const 16416))
  (global (export "PROGS") i32 (i32.const 17440))
  (global (export "PROG_BYTES") i32 (i32.const 8192))
  (global $DATA (export "DATA") i32 (i32.const 541728))
  (global (export "DATA_BYTES") i32 (i32.const 524288))
  ;; The last line a scan matched: where it starts and ends, and its slot (-1: none yet).
  (global $lastStart (export "lastStart") (mut i32) (i32.const -1))
  (global $lastEnd (export "lastEnd") (mut i32) (i32.const -1))
  (global $lastSlot (export "lastSlot") (mut i32) (i32.const -1))

  (func (export "reset")
    (global.set $lastStart (i32.const -1))
    (global.set $lastEnd (i32.const -1))
    (global.set $lastSlot (i32.const -1)))

  ;; The first newline in [p, end), or -1.
  (func $newline (param $p i32) (param $end i32) (result i32)
    (local $m i32)
    (loop $block
      (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
      (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $p)) (i8x16.splat (i32.const 10)))))
      (if (local.get $m)
        (then
          (local.set $p (i32.add (local.get $p) (i32.ctz (local.get $m))))
          (return (select (local.get $p) (i32.const -1) (i32.lt_u (local.get $p) (local.get $end))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $block))
    (i32.const -1))

  ;; Whether the line [p, e) matches the program of the slot whose entry is at $slot.
  (func $match (param $slot i32) (param $p i32) (param $e i32) (result i32)
    (local $q i32) (local $segs i32) (local $len i32) (local $mask i32) (local $c i32)
    (local.set $q (i32.load offset=8 (local.get $slot)))
    (local.set $segs (i32.load offset=12 (local.get $slot)))
    (loop $segment
      (local.set $len (i32.load (local.get $q)))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (if (i32.gt_u (i32.add (local.get $p) (local.get $len)) (local.get $e)) (then (return (i32.const 0))))
      ;; The segment's bytes, 16 at a time, then the rest under a mask.
      (block $compared
        (loop $bytes
          (br_if $compared (i32.eqz (local.get $len)))
          (if (i32.ge_u (local.get $len) (i32.const 16))
            (then
              (if (i32.eqz (i8x16.all_true (i8x16.eq (v128.load (local.get $p)) (v128.load (local.get $q)))))
                (then (return (i32.const 0))))
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (local.set $q (i32.add (local.get $q) (i32.const 16)))
              (local.set $len (i32.sub (local.get $len) (i32.const 16)))
              (br $bytes)))
          (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $len)) (i32.const 1)))
          (if (i32.ne
                (i32.and (i8x16.bitmask (i8x16.eq (v128.load (local.get $p)) (v128.load (local.get $q)))) (local.get $mask))
                (local.get $mask))
            (then (return (i32.const 0))))
          (local.set $p (i32.add (local.get $p) (local.get $len)))
          (local.set $q (i32.add (local.get $q) (local.get $len)))))
      (local.set $segs (i32.sub (local.get $segs) (i32.const 1)))
      ;; The last segment ends with the newline, so p is e here; said, not assumed.
      (if (i32.eqz (local.get $segs)) (then (return (i32.eq (local.get $p) (local.get $e)))))
      ;; An integer slot: a digit, and more digits unless it is 0. A leading zero is refused by
      ;; the next segment: it starts with a character that is not a digit.
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.gt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9)) (then (return (i32.const 0))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (if (i32.ne (local.get $c) (i32.const 48))
        (then
          (block $digits
            (loop $more
              (br_if $digits (i32.gt_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)) (i32.const 9)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $more)))))
      (br $segment))
    (i32.const 0))

  ;; Counts the lines from $p on (offsets in DATA) that a template matches, up to the first one
  ;; none does (or one without its newline before $end): returns where that line starts, or $end.
  (func (export "scan") (param $p i32) (param $end i32) (result i32)
    (local $nl i32) (local $e i32) (local $len i32) (local $t i32) (local $slot i32)
    (local.set $p (i32.add (local.get $p) (global.get $DATA)))
    (local.set $end (i32.add (local.get $end) (global.get $DATA)))
    (block $stop
      (loop $line
        (br_if $stop (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $nl (call $newline (local.get $p) (local.get $end)))
        (br_if $stop (i32.lt_s (local.get $nl) (i32.const 0)))
        (local.set $e (i32.add (local.get $nl) (i32.const 1)))
        (local.set $len (i32.sub (local.get $e) (local.get $p)))
        (br_if $stop (i32.gt_u (local.get $len) (global.get $MAX_LINE)))
        (local.set $t (i32.load (i32.shl (local.get $len) (i32.const 2))))
        (loop $try
          (br_if $stop (i32.eqz (local.get $t)))
          (local.set $slot (i32.add (global.get $SLOTS) (i32.shl (i32.sub (local.get $t) (i32.const 1)) (i32.const 4))))
          (if (call $match (local.get $slot) (local.get $p) (local.get $e))
            (then
              (i32.store offset=4 (local.get $slot) (i32.add (i32.load offset=4 (local.get $slot)) (i32.const 1)))
              (global.set $lastStart (i32.sub (local.get $p) (global.get $DATA)))
              (global.set $lastEnd (i32.sub (local.get $e) (global.get $DATA)))
              (global.set $lastSlot (i32.sub (local.get $t) (i32.const 1)))
              (local.set $p (local.get $e))
              (br $line)))
          (local.set $t (i32.load (local.get $slot)))
          (br $try))))
    (i32.sub (local.get $p) (global.get $DATA))))
