// wasi:sockets@0.3.0 from a guest written in component text, against real loopback servers
// and clients this test starts with node:net and node:dgram: TCP connect + send + receive, a
// listening socket accepting a node client, a UDP round trip, a lookup of localhost, and the
// allow-list's refusals (nothing reachable by default, unlisted ports and names refused).
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { encodeComponent } from '../../../component/binary/encode.ts';
import { parseComponent } from '../../../component/text/parse.ts';
import { NodeNetBackend } from '../../p2/node-sockets.ts';
import { WasiP3, type WasiP3Options } from '../host.ts';

type Fn = (...args: unknown[]) => Promise<unknown>;

/** The guest's results: `ok` is the value; an error is `step + code` (step 100, 200, ... names the call; code the error-code case index). */
const STEP = { create: 100, connectOrBind: 200, sendOrListen: 300, receiveOrAccept: 400, check: 500 } as const;
/** types.error-code case indices. */
const EC = { 'access-denied': 0, 'not-supported': 1, 'invalid-state': 5 } as const;

const TYPES = `
  (import "wasi:sockets/types@0.3.0" (instance $types
    (type $ec (variant (case "access-denied") (case "not-supported") (case "invalid-argument") (case "out-of-memory")
      (case "timeout") (case "invalid-state") (case "address-not-bindable") (case "address-in-use") (case "remote-unreachable")
      (case "connection-refused") (case "connection-broken") (case "connection-reset") (case "connection-aborted")
      (case "datagram-too-large") (case "other" (option string))))
    (export "error-code" (type $ec' (eq $ec)))
    (type $fam (enum "ipv4" "ipv6"))
    (export "ip-address-family" (type $fam' (eq $fam)))
    (type $v4sa (record (field "port" u16) (field "address" (tuple u8 u8 u8 u8))))
    (export "ipv4-socket-address" (type $v4sa' (eq $v4sa)))
    (type $v6sa (record (field "port" u16) (field "flow-info" u32) (field "address" (tuple u16 u16 u16 u16 u16 u16 u16 u16)) (field "scope-id" u32)))
    (export "ipv6-socket-address" (type $v6sa' (eq $v6sa)))
    (type $isa (variant (case "ipv4" $v4sa') (case "ipv6" $v6sa')))
    (export "ip-socket-address" (type $isa' (eq $isa)))
    (export "tcp-socket" (type $tcp (sub resource)))
    (export "udp-socket" (type $udp (sub resource)))
    (type $tcps (stream (own $tcp)))
    (type $bytes (stream u8))
    (type $done (future (result (error $ec'))))
    (export "[static]tcp-socket.create" (func (param "address-family" $fam') (result (result (own $tcp) (error $ec')))))
    (export "[method]tcp-socket.bind" (func (param "self" (borrow $tcp)) (param "local-address" $isa') (result (result (error $ec')))))
    (export "[method]tcp-socket.connect" (func async (param "self" (borrow $tcp)) (param "remote-address" $isa') (result (result (error $ec')))))
    (export "[method]tcp-socket.listen" (func (param "self" (borrow $tcp)) (result (result $tcps (error $ec')))))
    (export "[method]tcp-socket.send" (func (param "self" (borrow $tcp)) (param "data" $bytes) (result $done)))
    (export "[method]tcp-socket.receive" (func (param "self" (borrow $tcp)) (result (tuple $bytes $done))))
    (export "[method]tcp-socket.get-local-address" (func (param "self" (borrow $tcp)) (result (result $isa' (error $ec')))))
    (export "[static]udp-socket.create" (func (param "address-family" $fam') (result (result (own $udp) (error $ec')))))
    (export "[method]udp-socket.send" (func async (param "self" (borrow $udp)) (param "data" (list u8)) (param "remote-address" (option $isa')) (result (result (error $ec')))))
    (export "[method]udp-socket.receive" (func async (param "self" (borrow $udp)) (result (result (tuple (list u8) $isa') (error $ec')))))))
  (import "wasi:sockets/ip-name-lookup@0.3.0" (instance $lookup
    (type $ec (variant (case "access-denied") (case "invalid-argument") (case "name-unresolvable")
      (case "temporary-resolver-failure") (case "permanent-resolver-failure") (case "other" (option string))))
    (export "error-code" (type $ec' (eq $ec)))
    (type $ip (variant (case "ipv4" (tuple u8 u8 u8 u8)) (case "ipv6" (tuple u16 u16 u16 u16 u16 u16 u16 u16))))
    (export "ip-address" (type $ip' (eq $ip)))
    (export "resolve-addresses" (func async (param "name" string) (result (result (list $ip') (error $ec')))))))`;

const GUEST = `(component
  ${TYPES}
  (core module $Libc
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 8192))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "mem" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (alias export $types "error-code" (type $ec))
  (alias export $types "tcp-socket" (type $tcp))
  (type $BS (stream u8))
  (type $TS (stream (own $tcp)))
  (type $DF (future (result (error $ec))))
  (alias export $types "[static]tcp-socket.create" (func $tcp-create))
  (alias export $types "[method]tcp-socket.bind" (func $tcp-bind))
  (alias export $types "[method]tcp-socket.connect" (func $tcp-connect))
  (alias export $types "[method]tcp-socket.listen" (func $tcp-listen))
  (alias export $types "[method]tcp-socket.send" (func $tcp-send))
  (alias export $types "[method]tcp-socket.receive" (func $tcp-receive))
  (alias export $types "[method]tcp-socket.get-local-address" (func $tcp-local))
  (alias export $types "[static]udp-socket.create" (func $udp-create))
  (alias export $types "[method]udp-socket.send" (func $udp-send))
  (alias export $types "[method]udp-socket.receive" (func $udp-receive))
  (alias export $lookup "resolve-addresses" (func $resolve))
  (canon lower (func $tcp-create) (memory $mem) (realloc $realloc) (core func $tcp-create'))
  (canon lower (func $tcp-bind) (memory $mem) (realloc $realloc) (core func $tcp-bind'))
  (canon lower (func $tcp-connect) (memory $mem) (realloc $realloc) (core func $tcp-connect'))
  (canon lower (func $tcp-listen) (memory $mem) (realloc $realloc) (core func $tcp-listen'))
  (canon lower (func $tcp-send) (core func $tcp-send'))
  (canon lower (func $tcp-receive) (memory $mem) (core func $tcp-receive'))
  (canon lower (func $tcp-local) (memory $mem) (realloc $realloc) (core func $tcp-local'))
  (canon lower (func $udp-create) (memory $mem) (realloc $realloc) (core func $udp-create'))
  (canon lower (func $udp-send) (memory $mem) (realloc $realloc) (core func $udp-send'))
  (canon lower (func $udp-receive) (memory $mem) (realloc $realloc) (core func $udp-receive'))
  (canon lower (func $resolve) (memory $mem) (realloc $realloc) (core func $resolve'))
  (canon stream.new $BS (core func $bs-new))
  (canon stream.read $BS (memory $mem) (core func $bs-read))
  (canon stream.write $BS (memory $mem) (core func $bs-write))
  (canon stream.drop-readable $BS (core func $bs-drop-r))
  (canon stream.drop-writable $BS (core func $bs-drop-w))
  (canon stream.read $TS (memory $mem) (core func $ts-read))
  (canon stream.drop-readable $TS (core func $ts-drop-r))
  (canon future.read $DF (memory $mem) (realloc $realloc) (core func $df-read))
  (canon future.drop-readable $DF (core func $df-drop-r))
  (canon task.return (result (result string (error u32))) (memory $mem) (core func $ret-str))
  (canon task.return (result (result u32 (error u32))) (core func $ret-u32))
  (core instance $imports
    (export "mem" (memory $mem))
    (export "tcp-create" (func $tcp-create')) (export "tcp-bind" (func $tcp-bind')) (export "tcp-connect" (func $tcp-connect'))
    (export "tcp-listen" (func $tcp-listen')) (export "tcp-send" (func $tcp-send')) (export "tcp-receive" (func $tcp-receive'))
    (export "tcp-local" (func $tcp-local')) (export "udp-create" (func $udp-create')) (export "udp-send" (func $udp-send'))
    (export "udp-receive" (func $udp-receive')) (export "resolve" (func $resolve'))
    (export "bs-new" (func $bs-new)) (export "bs-read" (func $bs-read)) (export "bs-write" (func $bs-write))
    (export "bs-drop-r" (func $bs-drop-r)) (export "bs-drop-w" (func $bs-drop-w))
    (export "ts-read" (func $ts-read)) (export "ts-drop-r" (func $ts-drop-r))
    (export "df-read" (func $df-read)) (export "df-drop-r" (func $df-drop-r))
    (export "ret-str" (func $ret-str)) (export "ret-u32" (func $ret-u32)))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "tcp-create" (func $tcp-create (param i32 i32)))
    ;; self, ip-socket-address (discriminant + 11 joined slots), return area
    (import "" "tcp-bind" (func $tcp-bind (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    (import "" "tcp-connect" (func $tcp-connect (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    (import "" "tcp-listen" (func $tcp-listen (param i32 i32)))
    (import "" "tcp-send" (func $tcp-send (param i32 i32) (result i32)))
    (import "" "tcp-receive" (func $tcp-receive (param i32 i32)))
    (import "" "tcp-local" (func $tcp-local (param i32 i32)))
    (import "" "udp-create" (func $udp-create (param i32 i32)))
    ;; self, data (ptr, len), option<ip-socket-address> (1 + 12), return area
    (import "" "udp-send" (func $udp-send (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    (import "" "udp-receive" (func $udp-receive (param i32 i32)))
    (import "" "resolve" (func $resolve (param i32 i32 i32)))
    (import "" "bs-new" (func $bs-new (result i64)))
    (import "" "bs-read" (func $bs-read (param i32 i32 i32) (result i32)))
    (import "" "bs-write" (func $bs-write (param i32 i32 i32) (result i32)))
    (import "" "bs-drop-r" (func $bs-drop-r (param i32)))
    (import "" "bs-drop-w" (func $bs-drop-w (param i32)))
    (import "" "ts-read" (func $ts-read (param i32 i32 i32) (result i32)))
    (import "" "ts-drop-r" (func $ts-drop-r (param i32)))
    (import "" "df-read" (func $df-read (param i32 i32) (result i32)))
    (import "" "df-drop-r" (func $df-drop-r (param i32)))
    (import "" "ret-str" (func $ret-str (param i32 i32 i32)))
    (import "" "ret-u32" (func $ret-u32 (param i32 i32)))
    (data (i32.const 0x400) "hello, tessera")
    (data (i32.const 0x420) "got ")
    (data (i32.const 0x430) "datagram!")

    ;; Return areas: 0x100 create, 0x110 bind/connect, 0x130 futures, 0x150 receive, 0x160 listen,
    ;; 0x170 accepted handle, 0x180 local address, 0x1c0 udp receive / lookup. Received bytes at 0x1000.

    (func $fail (param $step i32) (param $code i32)
      (call $ret-str (i32.const 1) (i32.add (local.get $step) (local.get $code)) (i32.const 0)))

    ;; A socket of family ipv4 (0) in [0x104], or the error code + 1.
    (func $create-tcp (result i32)
      (call $tcp-create (i32.const 0) (i32.const 0x100))
      (if (result i32) (i32.load8_u (i32.const 0x100))
        (then (i32.add (i32.load8_u (i32.const 0x104)) (i32.const 1)))
        (else (i32.const 0))))

    ;; connect (op 0) or bind (op 1) to 127.0.0.1:port: 0, or the error code + 1.
    (func $at-loopback (param $op i32) (param $s i32) (param $port i32) (result i32)
      (if (local.get $op)
        (then (call $tcp-bind (local.get $s) (i32.const 0) (local.get $port) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
          (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0x110)))
        (else (call $tcp-connect (local.get $s) (i32.const 0) (local.get $port) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
          (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0x110))))
      (if (result i32) (i32.load8_u (i32.const 0x110))
        (then (i32.add (i32.load8_u (i32.const 0x114)) (i32.const 1)))
        (else (i32.const 0))))

    ;; Writes [ptr, ptr+len) to a stream's writable end (until done or the reader is gone).
    (func $write-all (param $w i32) (param $ptr i32) (param $len i32)
      (local $r i32)
      (block $done (loop $more
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $r (call $bs-write (local.get $w) (local.get $ptr) (local.get $len)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.shr_u (local.get $r) (i32.const 4))))
        (local.set $len (i32.sub (local.get $len) (i32.shr_u (local.get $r) (i32.const 4))))
        (br_if $done (i32.and (local.get $r) (i32.const 0xf)))
        (br $more))))

    ;; Reads a future<result<_, error-code>>: 0 for ok, else the error code + 1.
    (func $outcome (param $f i32) (result i32)
      (drop (call $df-read (local.get $f) (i32.const 0x130)))
      (call $df-drop-r (local.get $f))
      (if (result i32) (i32.load8_u (i32.const 0x130))
        (then (i32.add (i32.load8_u (i32.const 0x134)) (i32.const 1)))
        (else (i32.const 0))))

    ;; Sends two pieces on the socket, then ends the stream (a FIN): 0, or the error code + 1.
    (func $send (param $s i32) (param $p1 i32) (param $n1 i32) (param $p2 i32) (param $n2 i32) (result i32)
      (local $ends i64) (local $w i32) (local $f i32)
      (local.set $ends (call $bs-new))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (local.set $f (call $tcp-send (local.get $s) (i32.wrap_i64 (local.get $ends))))
      (call $write-all (local.get $w) (local.get $p1) (local.get $n1))
      (call $write-all (local.get $w) (local.get $p2) (local.get $n2))
      (call $bs-drop-w (local.get $w))
      (call $outcome (local.get $f)))

    (global $received (mut i32) (i32.const 0))
    ;; Receives until the peer's FIN into 0x1000 (count in $received): 0, or the error code + 1.
    (func $receive (param $s i32) (result i32)
      (local $rs i32) (local $r i32)
      (call $tcp-receive (local.get $s) (i32.const 0x150))
      (local.set $rs (i32.load (i32.const 0x150)))
      (global.set $received (i32.const 0))
      (loop $more
        (local.set $r (call $bs-read (local.get $rs) (i32.add (i32.const 0x1000) (global.get $received)) (i32.sub (i32.const 4096) (global.get $received))))
        (global.set $received (i32.add (global.get $received) (i32.shr_u (local.get $r) (i32.const 4))))
        (br_if $more (i32.eqz (i32.and (local.get $r) (i32.const 0xf)))))
      (call $bs-drop-r (local.get $rs))
      (call $outcome (i32.load (i32.const 0x154))))

    ;; Connects to 127.0.0.1:port, sends "hello, tessera", returns what came back before the FIN.
    (func (export "tcp-echo") (param $port i32)
      (local $s i32) (local $e i32)
      (if (local.tee $e (call $create-tcp)) (then (return (call $fail (i32.const ${STEP.create}) (i32.sub (local.get $e) (i32.const 1))))))
      (local.set $s (i32.load (i32.const 0x104)))
      (if (local.tee $e (call $at-loopback (i32.const 0) (local.get $s) (local.get $port)))
        (then (return (call $fail (i32.const ${STEP.connectOrBind}) (i32.sub (local.get $e) (i32.const 1))))))
      (if (local.tee $e (call $send (local.get $s) (i32.const 0x400) (i32.const 14) (i32.const 0) (i32.const 0)))
        (then (return (call $fail (i32.const ${STEP.sendOrListen}) (i32.sub (local.get $e) (i32.const 1))))))
      (if (local.tee $e (call $receive (local.get $s)))
        (then (return (call $fail (i32.const ${STEP.receiveOrAccept}) (i32.sub (local.get $e) (i32.const 1))))))
      (call $ret-str (i32.const 0) (i32.const 0x1000) (global.get $received)))

    ;; Listens on 127.0.0.1:port, accepts one connection, checks its local port, receives until
    ;; the client's FIN, answers "got " and what it received, returns what it received.
    (func (export "tcp-serve") (param $port i32)
      (local $s i32) (local $e i32) (local $ls i32) (local $c i32) (local $r i32)
      (if (local.tee $e (call $create-tcp)) (then (return (call $fail (i32.const ${STEP.create}) (i32.sub (local.get $e) (i32.const 1))))))
      (local.set $s (i32.load (i32.const 0x104)))
      (if (local.tee $e (call $at-loopback (i32.const 1) (local.get $s) (local.get $port)))
        (then (return (call $fail (i32.const ${STEP.connectOrBind}) (i32.sub (local.get $e) (i32.const 1))))))
      (call $tcp-listen (local.get $s) (i32.const 0x160))
      (if (i32.load8_u (i32.const 0x160)) (then (return (call $fail (i32.const ${STEP.sendOrListen}) (i32.load8_u (i32.const 0x164))))))
      (local.set $ls (i32.load (i32.const 0x164)))
      (local.set $r (call $ts-read (local.get $ls) (i32.const 0x170) (i32.const 1)))
      (if (i32.ne (i32.shr_u (local.get $r) (i32.const 4)) (i32.const 1))
        (then (return (call $fail (i32.const ${STEP.receiveOrAccept}) (i32.and (local.get $r) (i32.const 0xf))))))
      (call $ts-drop-r (local.get $ls))
      (local.set $c (i32.load (i32.const 0x170)))
      ;; result<ip-socket-address>: the case at 0x184, the port at 0x188
      (call $tcp-local (local.get $c) (i32.const 0x180))
      (if (i32.or (i32.load8_u (i32.const 0x180)) (i32.ne (i32.load16_u (i32.const 0x188)) (local.get $port)))
        (then (return (call $fail (i32.const ${STEP.check}) (i32.const 0)))))
      (if (local.tee $e (call $receive (local.get $c)))
        (then (return (call $fail (i32.const ${STEP.receiveOrAccept}) (i32.add (i32.const 10) (local.get $e))))))
      (if (local.tee $e (call $send (local.get $c) (i32.const 0x420) (i32.const 4) (i32.const 0x1000) (global.get $received)))
        (then (return (call $fail (i32.const ${STEP.check}) (local.get $e)))))
      (call $ret-str (i32.const 0) (i32.const 0x1000) (global.get $received)))

    ;; Sends "datagram!" to 127.0.0.1:port, returns the answer (from that port).
    (func (export "udp-echo") (param $port i32)
      (local $s i32)
      (call $udp-create (i32.const 0) (i32.const 0x100))
      (if (i32.load8_u (i32.const 0x100)) (then (return (call $fail (i32.const ${STEP.create}) (i32.load8_u (i32.const 0x104))))))
      (local.set $s (i32.load (i32.const 0x104)))
      (call $udp-send (local.get $s) (i32.const 0x430) (i32.const 9)
        (i32.const 1) (i32.const 0) (local.get $port) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0x110))
      (if (i32.load8_u (i32.const 0x110)) (then (return (call $fail (i32.const ${STEP.sendOrListen}) (i32.load8_u (i32.const 0x114))))))
      ;; result<tuple<list<u8>, ip-socket-address>>: data at 0x1c4/0x1c8, the address case at 0x1cc, its port at 0x1d0
      (call $udp-receive (local.get $s) (i32.const 0x1c0))
      (if (i32.load8_u (i32.const 0x1c0)) (then (return (call $fail (i32.const ${STEP.receiveOrAccept}) (i32.load8_u (i32.const 0x1c4))))))
      (if (i32.or (i32.load8_u (i32.const 0x1cc)) (i32.ne (i32.load16_u (i32.const 0x1d0)) (local.get $port)))
        (then (return (call $fail (i32.const ${STEP.check}) (i32.const 0)))))
      (call $ret-str (i32.const 0) (i32.load (i32.const 0x1c4)) (i32.load (i32.const 0x1c8))))

    ;; Resolves a name: ok(count << 8 | 1 if 127.0.0.1 is among the answers), or err(its code).
    (func (export "lookup") (param $ptr i32) (param $len i32)
      (local $p i32) (local $n i32) (local $found i32)
      (call $resolve (local.get $ptr) (local.get $len) (i32.const 0x1c0))
      (if (i32.load8_u (i32.const 0x1c0)) (then (return (call $ret-u32 (i32.const 1) (i32.load8_u (i32.const 0x1c4))))))
      ;; list<ip-address>: elements of 18 bytes (the case, then the address from byte 2)
      (local.set $p (i32.load (i32.const 0x1c4)))
      (local.set $n (i32.load (i32.const 0x1c8)))
      (block $done (loop $each
        (br_if $done (i32.ge_u (local.get $found) (local.get $n)))
        (if (i32.and (i32.eqz (i32.load8_u (local.get $p))) (i32.eq (i32.load offset=2 align=1 (local.get $p)) (i32.const 0x0100007f)))
          (then (return (call $ret-u32 (i32.const 0) (i32.or (i32.shl (local.get $n) (i32.const 8)) (i32.const 1))))))
        (local.set $p (i32.add (local.get $p) (i32.const 18)))
        (local.set $found (i32.add (local.get $found) (i32.const 1)))
        (br $each)))
      (call $ret-u32 (i32.const 0) (i32.shl (local.get $n) (i32.const 8)))))
  (core instance $m (instantiate $M (with "" (instance $imports))))
  (func (export "tcp-echo") async (param "port" u16) (result (result string (error u32))) (canon lift (core func $m "tcp-echo") async (memory $mem)))
  (func (export "tcp-serve") async (param "port" u16) (result (result string (error u32))) (canon lift (core func $m "tcp-serve") async (memory $mem)))
  (func (export "udp-echo") async (param "port" u16) (result (result string (error u32))) (canon lift (core func $m "udp-echo") async (memory $mem)))
  (func (export "lookup") async (param "name" string) (result (result u32 (error u32)))
    (canon lift (core func $m "lookup") async (memory $mem) (realloc $realloc)))
)`;

let compiled: Uint8Array | undefined;
const guest = (): Uint8Array => (compiled ??= encodeComponent(parseComponent(GUEST)));

/** Runs `f` with the guest's exports on a WasiP3 of `options` (plus a node network unless it says `network: undefined`). */
async function withGuest(options: WasiP3Options & { noNetwork?: boolean }, f: (exports: Record<string, Fn>) => Promise<void>): Promise<void> {
  const network = options.noNetwork === true ? undefined : new NodeNetBackend();
  try {
    const { exports } = await new WasiP3({ ...options, ...(network === undefined ? {} : { network }) }).instantiate(guest());
    await f(exports as Record<string, Fn>);
  } finally {
    network?.closeAll();
  }
}

/** The guest's `err` value (its ComponentError's payload). */
async function errOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return (e as { payload?: unknown }).payload;
  }
  return assert.fail('expected err');
}

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** A free loopback port (free as of now). */
async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listening(s);
  await close(s);
  return port;
}

test('TCP: a guest connects to a node server, sends, and receives its answer until the FIN', async () => {
  const seen: string[] = [];
  const server = createServer((s) => {
    let got = '';
    s.on('data', (d: Buffer) => { got += d.toString(); });
    // The guest's end of its send stream arrives as the FIN.
    s.on('end', () => {
      seen.push(got);
      s.end(`echo: ${got}`);
    });
  });
  const port = await listening(server);
  try {
    await withGuest({ allowNet: [`127.0.0.1:${port}`] }, async (g) => {
      assert.equal(await g['tcp-echo'](port), 'echo: hello, tessera');
    });
    assert.deepEqual(seen, ['hello, tessera']);
  } finally {
    await close(server);
  }
});

test('TCP: a listening guest accepts a node client, receives, answers', async () => {
  const port = await freePort();
  await withGuest({ allowNet: [`127.0.0.1:${port}`] }, async (g) => {
    const served = g['tcp-serve'](port);
    // The guest listens as it starts; the client retries until it does.
    let reply = '';
    for (let attempt = 0; ; attempt++) {
      try {
        reply = await new Promise<string>((resolve, reject) => {
          const c = connect(port, '127.0.0.1', () => c.end('ping from node'));
          let got = '';
          c.on('data', (d: Buffer) => { got += d.toString(); });
          c.on('end', () => resolve(got));
          c.on('error', reject);
        });
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'ECONNREFUSED' || attempt > 50) throw e;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    assert.equal(await served, 'ping from node');
    assert.equal(reply, 'got ping from node');
  });
});

test('UDP: a guest sends a datagram to a node socket and receives the answer', async () => {
  const server = createSocket('udp4');
  server.on('message', (msg, from) => server.send(`echo:${msg.toString()}`, from.port, from.address));
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  const port = server.address().port;
  try {
    await withGuest({ allowNet: [`127.0.0.1:${port}`] }, async (g) => {
      assert.equal(await g['udp-echo'](port), 'echo:datagram!');
    });
  } finally {
    server.close();
  }
});

test('ip-name-lookup: a granted localhost resolves (127.0.0.1 among the answers); an IP is its own answer', async () => {
  await withGuest({ allowNet: ['localhost'] }, async (g) => {
    const r = await g.lookup('localhost') as number;
    assert.ok(r >> 8 >= 1, `at least one address (got ${r >> 8})`);
    assert.equal(r & 1, 1, '127.0.0.1 is among them');
    assert.equal(await g.lookup('127.0.0.1'), (1 << 8) | 1);
  });
});

test('denied: with no options a guest has no network at all (creating a socket is not-supported)', async () => {
  await withGuest({ noNetwork: true }, async (g) => {
    assert.equal(await errOf(g['tcp-echo'](80)), STEP.create + EC['not-supported']);
    assert.equal(await errOf(g['udp-echo'](53)), STEP.create + EC['not-supported']);
    assert.equal(await errOf(g.lookup('localhost')), 0 /* access-denied */);
  });
});

test('denied: with a network but no grants, nothing is reachable: connect, bind, send and lookups are access-denied', async () => {
  const server = createServer((s) => s.end());
  let accepted = 0;
  server.on('connection', () => { accepted++; });
  const port = await listening(server);
  try {
    await withGuest({}, async (g) => {
      assert.equal(await errOf(g['tcp-echo'](port)), STEP.connectOrBind + EC['access-denied']);
      assert.equal(await errOf(g['tcp-serve'](port + 1)), STEP.connectOrBind + EC['access-denied']);
      assert.equal(await errOf(g['udp-echo'](port)), STEP.sendOrListen + EC['access-denied']);
      assert.equal(await errOf(g.lookup('localhost')), 0 /* access-denied */);
    });
    assert.equal(accepted, 0, 'no connection reached the server');
  } finally {
    await close(server);
  }
});

test('denied: a grant for one port does not reach another, nor bind it, nor look up other names', async () => {
  const server = createServer((s) => s.end());
  let accepted = 0;
  server.on('connection', () => { accepted++; });
  const port = await listening(server);
  const other = await freePort();
  try {
    await withGuest({ allowNet: [`127.0.0.1:${other}`] }, async (g) => {
      assert.equal(await errOf(g['tcp-echo'](port)), STEP.connectOrBind + EC['access-denied']);
      assert.equal(await errOf(g['tcp-serve'](port)), STEP.connectOrBind + EC['access-denied']);
      assert.equal(await errOf(g['udp-echo'](port)), STEP.sendOrListen + EC['access-denied']);
      assert.equal(await errOf(g.lookup('localhost')), 0 /* access-denied */);
    });
    assert.equal(accepted, 0, 'no connection reached the server');
  } finally {
    await close(server);
  }
});
