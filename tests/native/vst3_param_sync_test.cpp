// Vst3ParamSync without a plugin: a table of three parameters and a controller that only
// remembers what it was told, driven the way the VST3 device drives it.
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include "check.hpp"
#include "core/thread_roles.hpp"
#include "vst3/param_sync.hpp"

using namespace scuff;
using namespace scuff::sbox;
using Steinberg::int32;
using Steinberg::Vst::ParamID;

namespace {

// "Gain", -60 to 24 dB; "Meter", read-only, 0 to 1; "Mix", 0 to 1. Linear, as a controller's
// own conversions would be.
constexpr ParamID kGain = 1, kMeter = 2, kMix = 3;
struct Range {
    double min, max;
};
const std::map<ParamID, Range> kRanges = {{kGain, {-60.0, 24.0}}, {kMeter, {0.0, 1.0}}, {kMix, {0.0, 1.0}}};

double plain_of(ParamID id, double normalized) {
    auto range = kRanges.at(id);
    return range.min + normalized * (range.max - range.min);
}

double normalized_of(ParamID id, double plain) {
    auto range = kRanges.at(id);
    return (plain - range.min) / (range.max - range.min);
}

Vst3ParamTable make_table() {
    Vst3ParamTable table;
    for (const auto& [id, range] : kRanges) {
        uint32_t flags = id == kMeter ? kParamReadOnly : kParamAutomatable;
        table.add({id, "", "", range.min, range.max, range.min, flags},
                  Vst3ParamMapping([id](double normalized) { return plain_of(id, normalized); }));
    }
    return table;
}

class FakeController final : public Vst3ParamSync::Controller {
public:
    void set_normalized(ParamID id, double normalized) override { values[id] = normalized; }
    double to_plain(ParamID id, double normalized) override { return plain_of(id, normalized); }
    double to_normalized(ParamID id, double plain) override { return normalized_of(id, plain); }

    std::optional<double> value(ParamID id) const {
        auto found = values.find(id);
        return found == values.end() ? std::nullopt : std::optional<double>(found->second);
    }

    std::map<ParamID, double> values;
};

struct Point {
    ParamID id;
    int32 offset;
    double value;
    bool operator==(const Point&) const = default;
};

// Every point of every queue, in order.
std::vector<Point> points(Vst3ParamChanges& changes) {
    std::vector<Point> found;
    for (int32 i = 0; i < changes.getParameterCount(); ++i) {
        auto* queue = changes.getParameterData(i);
        for (int32 point = 0; point < queue->getPointCount(); ++point) {
            int32 offset;
            double value;
            queue->getPoint(point, offset, value);
            found.push_back({queue->getParameterId(), offset, value});
        }
    }
    return found;
}

std::vector<ParamChange> drained(ParamRing& ring) {
    std::vector<ParamChange> found;
    ring.drain([&](const ParamChange& change) { found.push_back(change); });
    return found;
}

bool near(double a, double b) {
    return std::abs(a - b) <= 1e-12;
}

// One device's worth: the table, the controller, the sync and a process call's changes.
struct Fixture {
    Vst3ParamTable table = make_table();
    FakeController controller;
    Vst3ParamSync sync{table, &controller};
    Vst3ParamChanges input{64};
    Vst3ParamChanges output{64};
    ParamRing to_client;

    std::vector<Point> next_block(std::vector<ParamChange> changes = {}) {
        sync.gather(changes, input);
        sync.block_sent();
        return points(input);
    }
};

void host_changes_reach_the_processor_normalized_and_the_controller_after_a_sync() {
    Fixture f;
    CHECK((f.next_block({{kGain, 10, 0.0}}) == std::vector<Point>{{kGain, 10, normalized_of(kGain, 0.0)}}));
    CHECK(!f.controller.value(kGain));
    f.sync.sync();
    CHECK(f.controller.value(kGain) && near(*f.controller.value(kGain), normalized_of(kGain, 0.0)));
}

void the_host_keeps_the_exact_value_it_set_until_the_plugin_changes_it() {
    Fixture f;
    f.next_block({{kGain, 0, 1.2345678901}});
    f.sync.sync();
    CHECK(f.sync.exact_value(kGain) == 1.2345678901);
    int32 index;
    f.output.queue(kGain)->addPoint(0, 0.5, index);
    f.sync.deliver(f.output, f.to_client);
    f.sync.sync();
    CHECK(!f.sync.exact_value(kGain));
    CHECK(f.controller.value(kGain) == 0.5);
}

void every_point_the_processor_outputs_reaches_the_client_and_the_last_the_controller() {
    Fixture f;
    int32 index;
    f.output.queue(kMeter)->addPoint(0, 0.25, index);
    f.output.queue(kMeter)->addPoint(100, 0.75, index);
    f.sync.deliver(f.output, f.to_client);
    auto sent = drained(f.to_client);
    CHECK(sent.size() == 2);
    CHECK(sent.size() == 2 && sent[0].param_id == kMeter && sent[0].frame == 0 && sent[0].value == 0.25);
    CHECK(sent.size() == 2 && sent[1].frame == 100 && sent[1].value == 0.75);
    f.sync.sync();
    CHECK(f.controller.value(kMeter) == 0.75);
}

void a_controller_edit_reaches_the_client_and_then_the_processor() {
    Fixture f;
    CHECK(f.sync.controller_edited(kGain, 0.5));
    auto edits = f.sync.take_edits();
    CHECK(edits && edits->size() == 1);
    CHECK(edits && edits->size() == 1 && (*edits)[0].id == kGain && near((*edits)[0].value, plain_of(kGain, 0.5)));
    CHECK(f.sync.exact_value(kGain) && near(*f.sync.exact_value(kGain), plain_of(kGain, 0.5)));
    CHECK((f.next_block() == std::vector<Point>{{kGain, 0, 0.5}}));
    CHECK(f.next_block().empty());
    CHECK(!f.sync.take_edits());
}

void edits_that_are_no_numbers_are_refused_and_those_of_unknown_parameters_dropped() {
    Fixture f;
    CHECK(!f.sync.controller_edited(kGain, std::numeric_limits<double>::quiet_NaN()));
    CHECK(!f.sync.take_edits());
    CHECK(f.sync.controller_edited(99, 0.5));
    auto edits = f.sync.take_edits();
    CHECK(edits && edits->empty());
    CHECK(f.next_block().empty());
}

void edits_beyond_the_range_are_kept_within_it() {
    Fixture f;
    f.sync.controller_edited(kMix, 1.5);
    auto edits = f.sync.take_edits();
    CHECK(edits && edits->size() == 1 && (*edits)[0].value == 1.0);
}

void what_a_flush_delivered_is_sent_again_with_the_next_block_only() {
    Fixture f;
    f.sync.gather(std::vector<ParamChange>{{kMix, 0, 0.25}}, f.input);
    f.sync.resend_with_next_block(f.input);
    CHECK((f.next_block() == std::vector<Point>{{kMix, 0, 0.25}}));
    CHECK(f.next_block().empty());
}

void a_state_load_drops_what_waited_to_be_sent_again() {
    Fixture f;
    f.sync.gather(std::vector<ParamChange>{{kMix, 0, 0.25}}, f.input);
    f.sync.resend_with_next_block(f.input);
    f.sync.begin_state_load();
    CHECK(f.next_block().empty());
    // The controller heard of the change before the load.
    CHECK(f.controller.value(kMix) == 0.25);
}

void state_values_of_the_plugin_within_range_reach_the_controller_and_the_processor() {
    Fixture f;
    f.next_block({{kMix, 0, 0.5}});
    f.sync.sync();
    std::vector<std::pair<uint32_t, double>> values = {
        {kGain, 6.0}, {kMix, 2.0}, {99, 1.0}, {kMeter, std::numeric_limits<double>::infinity()}};
    f.sync.apply_state_values(values);
    CHECK(f.sync.exact_value(kGain) == 6.0);
    // Out of range: the component's own value stands, and what the host held before the load is gone.
    CHECK(!f.sync.exact_value(kMix));
    CHECK(!f.sync.exact_value(kMeter));
    CHECK(f.controller.value(kGain) && near(*f.controller.value(kGain), normalized_of(kGain, 6.0)));
    CHECK((f.next_block() == std::vector<Point>{{kGain, 0, normalized_of(kGain, 6.0)}}));
}

void the_exact_values_saved_leave_out_read_only_parameters() {
    Fixture f;
    f.next_block({{kGain, 0, -3.0}, {kMeter, 0, 0.5}, {kMix, 0, 0.75}});
    f.sync.sync();
    auto saved = f.sync.values_to_save();
    CHECK((saved == std::vector<std::pair<uint32_t, double>>{{kGain, -3.0}, {kMix, 0.75}}));
}

void values_the_plugin_changed_unseen_are_asked_of_the_controller_again() {
    Fixture f;
    f.next_block({{kGain, 0, 3.0}});
    f.sync.sync();
    f.sync.plugin_values_changed();
    CHECK(!f.sync.take_edits());
    CHECK(!f.sync.exact_value(kGain));
}

void a_mapped_midi_controller_reaches_the_processor_at_its_frame_and_the_controller() {
    Fixture f;
    f.next_block({{kMix, 0, 0.5}});
    f.sync.sync();
    f.sync.gather({}, f.input);
    f.sync.add_plugin_change(kMix, 32, 0.25, f.input);
    f.sync.block_sent();
    CHECK((points(f.input) == std::vector<Point>{{kMix, 32, 0.25}}));
    f.sync.sync();
    CHECK(f.controller.value(kMix) == 0.25);
    CHECK(!f.sync.exact_value(kMix));
}

void a_plugin_without_a_controller_takes_changes_and_syncs_nothing() {
    Vst3ParamTable empty;
    Vst3ParamSync sync(empty, nullptr);
    Vst3ParamChanges input(8);
    sync.gather(std::vector<ParamChange>{{7, 0, 0.5}}, input);
    CHECK((points(input) == std::vector<Point>{{7, 0, 0.5}}));
    sync.sync();
    CHECK(sync.exact_value(7) == 0.5);
    CHECK(sync.values_to_save().empty());
}

} // namespace

int main() {
    // One thread plays both the main and the audio thread, as the device's flush does.
    thread_roles().main_thread = os::current_thread_id();
    thread_roles().audio_thread = os::current_thread_id();
    return scuff_check::run({
        {"host changes reach the processor normalized and the controller after a sync",
         host_changes_reach_the_processor_normalized_and_the_controller_after_a_sync},
        {"the host keeps the exact value it set until the plugin changes it",
         the_host_keeps_the_exact_value_it_set_until_the_plugin_changes_it},
        {"every point the processor outputs reaches the client, and the last the controller",
         every_point_the_processor_outputs_reaches_the_client_and_the_last_the_controller},
        {"a controller edit reaches the client and then the processor",
         a_controller_edit_reaches_the_client_and_then_the_processor},
        {"edits that are no numbers are refused, and those of unknown parameters dropped",
         edits_that_are_no_numbers_are_refused_and_those_of_unknown_parameters_dropped},
        {"edits beyond the range are kept within it", edits_beyond_the_range_are_kept_within_it},
        {"what a flush delivered is sent again with the next block only",
         what_a_flush_delivered_is_sent_again_with_the_next_block_only},
        {"a state load drops what waited to be sent again", a_state_load_drops_what_waited_to_be_sent_again},
        {"state values of the plugin within range reach the controller and the processor",
         state_values_of_the_plugin_within_range_reach_the_controller_and_the_processor},
        {"the exact values saved leave out read-only parameters",
         the_exact_values_saved_leave_out_read_only_parameters},
        {"values the plugin changed unseen are asked of the controller again",
         values_the_plugin_changed_unseen_are_asked_of_the_controller_again},
        {"a mapped MIDI controller reaches the processor at its frame, and the controller",
         a_mapped_midi_controller_reaches_the_processor_at_its_frame_and_the_controller},
        {"a plugin without a controller takes changes and syncs nothing",
         a_plugin_without_a_controller_takes_changes_and_syncs_nothing},
    });
}
