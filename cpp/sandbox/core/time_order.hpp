#pragma once
// Puts what a block carries (parameter changes, note events) in time order for the plugin.
#include <cstdint>

namespace scuff::sbox {

// Sorts `items[0..count)` by frame, keeping items of equal frames in the order they came. An
// insertion sort: the lists are short and mostly in order already, and it never allocates.
template <class Item>
void sort_by_frame(Item* items, uint32_t count) {
    for (uint32_t i = 1; i < count; ++i) {
        Item item = items[i];
        uint32_t j = i;
        for (; j > 0 && items[j - 1].frame > item.frame; --j) {
            items[j] = items[j - 1];
        }
        items[j] = item;
    }
}

} // namespace scuff::sbox
