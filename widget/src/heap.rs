//! The widget's global allocator on wasm: power-of-two size classes, one free list each,
//! carved from memory obtained with `memory.grow`.
//!
//! Why not Rust's default (dlmalloc): it is ~7 KB of code, ~3 KB gzipped, close to a tenth of
//! the widget's whole download budget. The widget allocates little (a few KB of short strings
//! per answer) and the same sizes again and again, so per-class reuse keeps memory flat
//! without dlmalloc's splitting and coalescing. Memory is never returned to the page (wasm
//! memory cannot shrink anyway). The wasm32-unknown-unknown target without the `atomics`
//! feature is single-threaded, which is what makes the `UnsafeCell` sound.

// Used by the allocator on wasm only, and by the native tests.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

/// Smallest block: 8 bytes holds the free-list link on wasm32 and satisfies common alignments.
const MIN_SHIFT: u32 = 3;
/// Classes 8 B, 16 B, …, 2 GiB.
const CLASSES: usize = 29;

/// The size class of an allocation: the smallest power of two ≥ size and ≥ alignment, as an
/// index from 0 (8 bytes). `None` when it is too large for any class.
fn class_of(size: usize, align: usize) -> Option<usize> {
    let need = size.max(align).max(1 << MIN_SHIFT);
    let shift = usize::BITS - (need - 1).leading_zeros();
    let class = shift.checked_sub(MIN_SHIFT)? as usize;
    (class < CLASSES).then_some(class)
}

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
mod wasm {
    use super::{class_of, CLASSES, MIN_SHIFT};
    use core::arch::wasm32::{memory_grow, memory_size};
    use std::alloc::{GlobalAlloc, Layout};
    use std::cell::UnsafeCell;
    use std::ptr::{copy_nonoverlapping, null_mut};

    const PAGE: usize = 65_536;

    struct Heap {
        /// Head of each class's free list (0 = empty); a free block's first word links the next.
        free: [usize; CLASSES],
        /// Unused memory runs from `next` to `end`.
        next: usize,
        end: usize,
    }

    pub struct SizeClasses(UnsafeCell<Heap>);

    // SAFETY: this target has no threads (see the module docs and the cfg above).
    unsafe impl Sync for SizeClasses {}

    #[global_allocator]
    static ALLOCATOR: SizeClasses = SizeClasses(UnsafeCell::new(Heap {
        free: [0; CLASSES],
        next: 0,
        end: 0,
    }));

    impl Heap {
        /// A fresh block of `size` bytes aligned to `size` (capped at a page), growing memory
        /// when needed. Null when the browser refuses more memory.
        fn carve(&mut self, size: usize) -> *mut u8 {
            if self.end == 0 {
                // Everything below the initial memory size belongs to statics and the stack.
                self.end = memory_size(0) * PAGE;
                self.next = self.end;
            }
            let align = size.min(PAGE);
            loop {
                let start = (self.next + align - 1) & !(align - 1);
                let Some(end) = start.checked_add(size) else {
                    return null_mut();
                };
                if end <= self.end {
                    self.next = end;
                    return start as *mut u8;
                }
                let pages = (end - self.end).div_ceil(PAGE);
                let previous = memory_grow(0, pages);
                if previous == usize::MAX {
                    return null_mut();
                }
                if previous * PAGE != self.end {
                    // Someone else grew memory: our free run starts after theirs.
                    self.next = previous * PAGE;
                }
                self.end = (previous + pages) * PAGE;
            }
        }
    }

    unsafe impl GlobalAlloc for SizeClasses {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let Some(class) = class_of(layout.size(), layout.align()) else {
                return null_mut();
            };
            // SAFETY: single-threaded, and no allocator call re-enters another.
            let heap = unsafe { &mut *self.0.get() };
            let head = heap.free[class];
            if head != 0 {
                // SAFETY: `head` is a block of this class that `dealloc` linked into the list.
                heap.free[class] = unsafe { *(head as *const usize) };
                return head as *mut u8;
            }
            heap.carve(1 << (class as u32 + MIN_SHIFT))
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            if let Some(class) = class_of(layout.size(), layout.align()) {
                // SAFETY: single-threaded; `ptr` came from `alloc` with this layout, so it is a
                // block of this class, at least 8 bytes, 8-aligned, and no longer used.
                unsafe {
                    let heap = &mut *self.0.get();
                    *(ptr as *mut usize) = heap.free[class];
                    heap.free[class] = ptr as usize;
                }
            }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // Growing within the block's class (a Vec doubling into its own slack) is free.
            if class_of(new_size, layout.align()) == class_of(layout.size(), layout.align()) {
                return ptr;
            }
            // SAFETY: `GlobalAlloc::realloc`'s contract guarantees a valid layout for new_size.
            unsafe {
                let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
                let new = self.alloc(new_layout);
                if !new.is_null() {
                    copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                new
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_up_to_power_of_two_classes_of_at_least_eight_bytes() {
        let cases = [
            ((0, 1), Some(0)),
            ((1, 1), Some(0)),
            ((8, 8), Some(0)),
            ((9, 1), Some(1)),
            ((16, 4), Some(1)),
            ((17, 1), Some(2)),
            ((24, 8), Some(2)),
            ((4096, 1), Some(9)),
            ((4097, 1), Some(10)),
            ((1, 64), Some(3)),
            ((1 << 31, 1), Some(28)),
            (((1 << 31) + 1, 1), None),
        ];
        for ((size, align), class) in cases {
            assert_eq!(class_of(size, align), class, "size {size}, align {align}");
        }
    }

    #[test]
    fn a_block_always_fits_its_request_and_alignment() {
        for size in [0usize, 1, 7, 8, 9, 100, 1000, 65_537] {
            for align in [1usize, 2, 4, 8, 16, 64] {
                let class = class_of(size, align).unwrap();
                let block = 1usize << (class as u32 + MIN_SHIFT);
                assert!(block >= size && block >= align && block % align == 0);
            }
        }
    }
}
