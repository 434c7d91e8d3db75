(module $demo
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func))
  (import "env" "log" (func $log (;0;) (type 1)))
  (import "env" "mem" (memory $mem (;0;) 1))
  (table (;0;) 2 10 funcref)
  (global $counter (;0;) (mut i64) i64.const -5)
  (export "run" (func $run))
  (elem (;0;) (offset i32.const 0) func $run)
  (func $run (;1;) (type 0) (param $a i32) (param $"two words" i32) (result i32)
    (local f64) (local $"#local3 a" (@name "a") f64) (local i32)
    block $out (result i32)
      loop $"#label1 " (@name "")
        local.get $a
        br_if $"#label1 "
        local.get $"two words"
        br_if $out
      end
      local.get $a
      i32.load8_u offset=16
      i32.load align=2
      if (result i32)
        i32.const -1
      else
        f32.const 0.1
        drop
        f64.const -0
        drop
        call $log
        i32.const 7
      end
      br_table $out 1 $out
    end
  )
  (data (;0;) (i32.const 8) "hi \22there\22\0a\c3\a9")
)
