;; A hand-written guest: RFC 7748 section 6.1 through the WASI-crypto key-exchange imports.
(module
  (import "wasi_ephemeral_crypto_asymmetric_common" "secretkey_import"
    (func $secretkey_import (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_crypto_asymmetric_common" "publickey_import"
    (func $publickey_import (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_crypto_asymmetric_common" "publickey_verify"
    (func $publickey_verify (param i32) (result i32)))
  (import "wasi_ephemeral_crypto_kx" "kx_dh" (func $kx_dh (param i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_crypto_common" "array_output_pull"
    (func $pull (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "X25519")
  ;; Alice's secret key, Bob's public key, the shared secret
  (data (i32.const 64) "\77\07\6d\0a\73\18\a5\7d\3c\16\c1\72\51\b2\66\45\df\4c\2f\87\eb\c0\99\2a\b1\77\fb\a5\1d\b9\2c\2a")
  (data (i32.const 96) "\de\9e\db\7d\7b\7d\c1\b4\d3\5b\61\c2\ec\e4\35\37\3f\83\43\c8\5b\78\67\4d\ad\fc\7e\14\6f\88\2b\4f")
  (data (i32.const 128) "\4a\5d\9d\5b\a4\ce\2d\e1\72\8e\3b\f4\80\35\0f\25\e0\7e\21\c9\47\d1\9e\33\76\f0\9b\3c\1e\16\17\42")
  (data (i32.const 240) "ok\n")
  (data (i32.const 248) "\f0\00\00\00\03\00\00\00")  ;; iovec {240, 3}

  ;; 0 if the shared secret matches RFC 7748, else the first errno (or 100 for a mismatch)
  (func (export "rfc7748") (result i32)
    (local $e i32) (local $i i32)
    (local.set $e (call $secretkey_import (i32.const 2) (i32.const 0) (i32.const 6)
                                          (i32.const 64) (i32.const 32) (i32.const 0) (i32.const 200)))
    (if (local.get $e) (then (return (local.get $e))))
    (local.set $e (call $publickey_import (i32.const 2) (i32.const 0) (i32.const 6)
                                          (i32.const 96) (i32.const 32) (i32.const 0) (i32.const 204)))
    (if (local.get $e) (then (return (local.get $e))))
    (local.set $e (call $kx_dh (i32.load (i32.const 204)) (i32.load (i32.const 200)) (i32.const 208)))
    (if (local.get $e) (then (return (local.get $e))))
    (local.set $e (call $pull (i32.load (i32.const 208)) (i32.const 160) (i32.const 32) (i32.const 212)))
    (if (local.get $e) (then (return (local.get $e))))
    (block $mismatch
      (loop $cmp
        (br_if $mismatch (i32.ne (i32.load8_u (i32.add (i32.const 128) (local.get $i)))
                                 (i32.load8_u (i32.add (i32.const 160) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $cmp (i32.lt_u (local.get $i) (i32.const 32))))
      (drop (call $fd_write (i32.const 1) (i32.const 248) (i32.const 1) (i32.const 256)))
      (return (i32.const 0)))
    (i32.const 100))

  ;; the errno of publickey_verify on any handle
  (func (export "verify") (param $handle i32) (result i32)
    (call $publickey_verify (local.get $handle)))

  ;; two results, one an i64
  (func (export "pair") (param $a i32) (param $b i64) (result i32 i64)
    (local.get $a) (local.get $b))

  (func (export "crash") (unreachable))
)
