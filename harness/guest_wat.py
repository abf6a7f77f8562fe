"""The program-running guest, generated from the ABI table as WAT.

It imports every function of the three modules and exports ``run(start, end)``, which executes
call records ``start`` to ``end - 1`` of its ``program`` memory: it loads each argument (an
immediate, or an out-value recorded by an earlier call), calls the import, and records the
errno and, for every out-pointer that lies inside ``memory``, the value found there.  A run
that starts later than 0 continues one whose earlier records and results are already there.
"""

from __future__ import annotations

from harness import layout
from harness.abi import FUNCTIONS, MAX_ARITY, MAX_RESULTS, CoreType, Function


def _import(index: int, fn: Function) -> str:
    params = " ".join(c.value for c in fn.core_params)
    return f'  (import "{fn.module}" "{fn.name}" (func $f{index} (param {params}) (result i32)))'


def _arg(k: int, core: CoreType) -> str:
    return f"(local.get $a{k})" if core is CoreType.I64 else f"(i32.wrap_i64 (local.get $a{k}))"


def _case(index: int, fn: Function) -> str:
    args = " ".join(_arg(k, c) for k, c in enumerate(fn.core_params))
    outs = "".join(
        f"\n        (call $record_out (local.get $res) (i32.const {j}) (local.get $a{k})"
        f" (i32.const {r.type.width}))"
        for j, (k, r) in enumerate(zip(fn.out_offsets, fn.results, strict=True))
    )
    return (
        f"      (if (i32.eq (local.get $fid) (i32.const {index})) (then\n"
        f"        (local.set $e (call $f{index} {args})){outs}\n"
        f"        (br $dispatched)))"
    )


def guest_wat() -> str:
    functions = list(FUNCTIONS.values())
    imports = "\n".join(_import(i, fn) for i, fn in enumerate(functions))
    arg_locals = " ".join(f"(local $a{k} i64)" for k in range(MAX_ARITY))
    load_args = "\n".join(
        f"      (local.set $a{k} (call $load_arg (i32.add (local.get $rec)"
        f" (i32.const {layout.CALL_HEADER + k * layout.SLOT_SIZE}))))"
        for k in range(MAX_ARITY)
    )
    cases = "\n".join(_case(i, fn) for i, fn in enumerate(functions))
    # an unreadable out-value reads as 0, never as a leftover of an earlier run
    clear_outs = "\n".join(
        f"      (i64.store $prog offset={layout.RESULT_HEADER + 8 * j} (local.get $res)"
        " (i64.const 0))"
        for j in range(MAX_RESULTS)
    )
    return f"""(module
{imports}
  (memory $data (export "memory") {layout.DATA_PAGES} {layout.DATA_PAGES})
  (memory $prog (export "program") {layout.PROGRAM_PAGES} {layout.PROGRAM_PAGES})

  ;; an argument slot: tag 0 = immediate, tag 1 = address (in $prog) of an earlier out-value
  (func $load_arg (param $slot i32) (result i64)
    (if (result i64) (i32.eq (i32.load $prog (local.get $slot)) (i32.const {layout.TAG_IMMEDIATE}))
      (then (i64.load $prog offset=8 (local.get $slot)))
      (else (i64.load $prog (i32.wrap_i64 (i64.load $prog offset=8 (local.get $slot)))))))

  ;; copy out-value $idx of width $width from $data[$ptr] when it lies inside $data
  (func $record_out (param $res i32) (param $idx i32) (param $ptr i64) (param $width i32)
    (local $p i64)
    (local.set $p (i64.and (local.get $ptr) (i64.const 0xffffffff)))
    (if (i64.le_u (i64.add (local.get $p) (i64.extend_i32_u (local.get $width)))
                  (i64.mul (i64.extend_i32_u (memory.size $data)) (i64.const {layout.PAGE})))
      (then
        (i64.store $prog offset={layout.RESULT_HEADER}
          (i32.add (local.get $res) (i32.shl (local.get $idx) (i32.const 3)))
          (if (result i64) (i32.eq (local.get $width) (i32.const 4))
            (then (i64.load32_u $data (i32.wrap_i64 (local.get $p))))
            (else (i64.load $data (i32.wrap_i64 (local.get $p))))))
        (i32.store $prog offset=4 (local.get $res)
          (i32.or (i32.load $prog offset=4 (local.get $res))
                  (i32.shl (i32.const 1) (local.get $idx)))))))

  (func (export "run") (param $start i32) (param $n i32) (result i32)
    (local $i i32) (local $rec i32) (local $res i32) (local $fid i32) (local $e i32)
    {arg_locals}
    (local.set $i (local.get $start))
    (block $exit
      (loop $next
      (br_if $exit (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $rec (i32.add (i32.const {layout.CALLS_BASE})
                               (i32.mul (local.get $i) (i32.const {layout.CALL_SIZE}))))
      (local.set $res (i32.add (i32.const {layout.RESULTS_BASE})
                               (i32.mul (local.get $i) (i32.const {layout.RESULT_SIZE}))))
      (local.set $fid (i32.load $prog (local.get $rec)))
      (i32.store $prog offset=4 (local.get $res) (i32.const 0))
{clear_outs}
{load_args}
      (block $dispatched
{cases}
        unreachable)
      (i32.store $prog (local.get $res) (local.get $e))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $i))
)
"""
