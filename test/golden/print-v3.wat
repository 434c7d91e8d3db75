(module
  (@custom "first" (before first) "\01")
  (rec
    (type (;0;) (func))
    (type (;1;) (func (param i32)))
  )
  (rec)
  (rec
    (type $point (;2;) (sub (struct (field $x (mut i32)) (field $tag i8))))
    (type $point3 (;3;) (sub final $point (struct (field (mut i32)) (field i8) (field (ref null $point3)))))
  )
  (type $chars (;4;) (array (mut i16)))
  (import "env" "shared" (memory (;0;) i64 1 1152921504606846976 shared))
  (table (;0;) i64 1 (ref 0) ref.func $main)
  (memory $small (;1;) 0 (pagesize 1))
  (tag $oops (;0;) (type 1) (param i32))
  (@custom "after \22tag\22" (after tag) "")
  (global (;0;) anyref i32.const 1 ref.i31)
  (start $main)
  (elem (;0;) funcref (item ref.func $main) (item ref.null func))
  (elem (;1;) declare func $main)
  (elem (;2;) (offset i64.const 0 i64.const 1 i64.add) funcref)
  (@datacount)
  (func $main (;0;) (type 0)
    try_table (catch $oops 0) (catch_all_ref 0)
      i32.const 1
      throw $oops
    end
    try (type 0)
      call $main
    catch $oops
      drop
    catch_all
      rethrow 0
    end
    try
      nop
    delegate 0
    i64.const 0
    v128.load32_lane offset=1099511627776 align=2 3
    i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0
    f32x4.extract_lane 2
    drop
    v128.const i32x4 0x33221100 0x77665544 0xbbaa9988 0xffeeddcc
    drop
    i32.const 0
    i32.atomic.rmw8.add_u $small
    drop
    atomic.fence
    f32.const nan:0x200000
    f64.const -nan
    f64.const inf
    select (result f64)
    drop
    drop
    ref.null none
    br_on_cast 0 anyref (ref $point)
    ref.cast (ref null $point3)
    struct.get $point3 0
    array.new_fixed $chars 1
    drop
    memory.copy $small 0
    data.drop 0
    elem.drop 1
  )
  (data (;0;) "\00\01\5c\ff")
  (data (;1;) (memory $small) (i32.const 0) "")
)
