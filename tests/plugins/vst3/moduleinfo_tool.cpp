// Writes a VST3 bundle's Contents/Resources/moduleinfo.json from the built binary's own factory,
// so the file can never disagree with the classes the binary lists.
// Usage: scuff-vst3-moduleinfo BINARY MODULE_NAME OUTPUT

#include "com.hpp"
#include "text16.hpp"

#include "pluginterfaces/base/ipluginbase.h"

#include <cstdio>
#include <dlfcn.h>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace Steinberg;

std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

template <size_t N>
std::string text(const char8 (&field)[N]) {
    return std::string(field, strnlen(field, N));
}

template <size_t N>
std::string text(const char16 (&field)[N]) {
    return scuff_vst3::narrow(field, N);
}

std::string hex(const TUID cid) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (size_t i = 0; i < sizeof(TUID); ++i) {
        const auto byte = static_cast<unsigned char>(cid[i]);
        out += digits[byte >> 4];
        out += digits[byte & 0x0F];
    }
    return out;
}

std::string sub_categories(const std::string& joined) {
    std::string out = "[";
    size_t start = 0;
    while (start < joined.size()) {
        size_t end = joined.find('|', start);
        if (end == std::string::npos)
            end = joined.size();
        if (end > start)
            out += (out.size() > 1 ? ", " : "") + quoted(joined.substr(start, end - start));
        start = end + 1;
    }
    return out + "]";
}

int fail(const std::string& message) {
    std::fprintf(stderr, "scuff-vst3-moduleinfo: %s\n", message.c_str());
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4)
        return fail("usage: scuff-vst3-moduleinfo BINARY MODULE_NAME OUTPUT");
    void* library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!library)
        return fail(std::string("cannot load ") + argv[1] + ": " + dlerror());
    using GetFactory = IPluginFactory* (*)();
    auto get_factory = reinterpret_cast<GetFactory>(dlsym(library, "GetPluginFactory"));
    IPluginFactory* factory = get_factory ? get_factory() : nullptr;
    if (!factory)
        return fail(std::string("no factory in ") + argv[1]);
    auto* factory3 = scuff_vst3::query<IPluginFactory3>(factory, IPluginFactory3_iid);
    if (!factory3)
        return fail("the factory has no IPluginFactory3");

    PFactoryInfo info;
    factory->getFactoryInfo(&info);
    std::string json = "{\n  \"Name\": " + quoted(argv[2]) + ",\n  \"Version\": \"1.0.0\",\n";
    json += "  \"Factory Info\": {\n    \"Vendor\": " + quoted(text(info.vendor)) + ",\n    \"URL\": " +
            quoted(text(info.url)) + ",\n    \"E-Mail\": " + quoted(text(info.email)) + ",\n    \"Flags\": {\n" +
            "      \"Unicode\": " + ((info.flags & PFactoryInfo::kUnicode) ? "true" : "false") + ",\n" +
            "      \"Classes Discardable\": " + ((info.flags & PFactoryInfo::kClassesDiscardable) ? "true" : "false") +
            ",\n      \"Component Non Discardable\": " +
            ((info.flags & PFactoryInfo::kComponentNonDiscardable) ? "true" : "false") + "\n    }\n  },\n";
    json += "  \"Compatibility\": [],\n  \"Classes\": [";
    const int32 count = factory->countClasses();
    for (int32 i = 0; i < count; ++i) {
        PClassInfoW c;
        if (factory3->getClassInfoUnicode(i, &c) != kResultOk)
            return fail("cannot read class " + std::to_string(i));
        json += std::string(i ? "," : "") + "\n    {\n      \"CID\": " + quoted(hex(c.cid)) +
                ",\n      \"Category\": " + quoted(text(c.category)) + ",\n      \"Name\": " + quoted(text(c.name)) +
                ",\n      \"Vendor\": " + quoted(text(c.vendor)) + ",\n      \"Version\": " + quoted(text(c.version)) +
                ",\n      \"SDKVersion\": " + quoted(text(c.sdkVersion)) +
                ",\n      \"Sub Categories\": " + sub_categories(text(c.subCategories)) +
                ",\n      \"Class Flags\": " + std::to_string(c.classFlags) +
                ",\n      \"Cardinality\": " + std::to_string(c.cardinality) + ",\n      \"Snapshots\": []\n    }";
    }
    json += "\n  ]\n}\n";
    factory3->release();
    factory->release();

    std::ofstream out(argv[3], std::ios::binary);
    out << json;
    return out.good() ? 0 : fail(std::string("cannot write ") + argv[3]);
}
