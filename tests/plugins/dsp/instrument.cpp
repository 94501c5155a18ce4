#include "instrument.hpp"

#include <algorithm>
#include <cmath>

namespace scuff_dsp {

namespace {

constexpr double two_pi = 6.283185307179586;

} // namespace

void Instrument::activate(double sample_rate) {
    sample_rate_ = sample_rate;
    stop_all();
}

double Instrument::increment_of(int key) const {
    const double freq = 440.0 * std::pow(2.0, (key - 69 + 2.0 * params.get(bend_param)) / 12.0);
    return two_pi * freq / sample_rate_;
}

void Instrument::remove(int index) {
    for (int i = index + 1; i < voice_count_; ++i)
        voices_[i - 1] = voices_[i];
    --voice_count_;
}

void Instrument::note_on(int channel, int key, int32_t note_id, double velocity) {
    if (key < 0 || key > 127 || channel < 0 || channel > 15 || !std::isfinite(velocity))
        return;
    note_off(channel, key, -1);
    if (velocity <= 0.0)
        return;
    if (voice_count_ == max_voices)
        remove(0);
    voices_[voice_count_++] = {channel, key, note_id, std::min(velocity, 1.0), 0.0, increment_of(key)};
}

void Instrument::note_off(int channel, int key, int32_t note_id) {
    for (int i = voice_count_ - 1; i >= 0; --i) {
        const Voice& voice = voices_[i];
        if ((channel == -1 || voice.channel == channel) && (key == -1 || voice.key == key) &&
            (note_id == -1 || voice.note_id == note_id))
            remove(i);
    }
}

int Instrument::midi(const uint8_t data[3]) {
    const int status = data[0] & 0xF0;
    const int channel = data[0] & 0x0F;
    const int first = data[1] & 0x7F;
    const int second = data[2] & 0x7F;
    switch (status) {
    case 0x90:
        note_on(channel, first, -1, second / 127.0);
        return -1;
    case 0x80:
        note_off(channel, first, -1);
        return -1;
    case 0xB0:
        if (first == 7) {
            set_param(volume_param, second / 127.0);
            return volume_param;
        }
        if (first == 123)
            note_off(channel, -1, -1);
        return -1;
    case 0xE0:
        set_param(bend_param, ((first | (second << 7)) - 8192) / 8192.0);
        return bend_param;
    default:
        return -1;
    }
}

void Instrument::set_param(uint32_t id, double value) {
    if (!params.set(id, value) || id != bend_param)
        return;
    for (int i = 0; i < voice_count_; ++i)
        voices_[i].increment = increment_of(voices_[i].key);
}

void Instrument::render(float* const* outputs, uint32_t channel_count, uint32_t start, uint32_t end) {
    const double volume = params.get(volume_param);
    for (uint32_t frame = start; frame < end; ++frame) {
        double sum = 0.0;
        for (int i = 0; i < voice_count_; ++i) {
            Voice& voice = voices_[i];
            sum += voice.velocity * 0.25 * volume * std::cos(voice.phase);
            voice.phase += voice.increment;
        }
        const float sample = static_cast<float>(sum);
        for (uint32_t c = 0; c < channel_count; ++c)
            if (outputs[c])
                outputs[c][frame] = sample;
    }
}

} // namespace scuff_dsp
