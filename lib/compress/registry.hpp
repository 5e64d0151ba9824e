// The compressor registry (DESIGN.md "a method/compressor is one registered object"): one entry
// per compressor name holds everything about it — its documentation and parameters, the parser
// and validator of its Options struct, its builder, its theory constant as text, its closed-form
// message size and example specs. make_compressor, theory/compressor_bits (closed_form_bits),
// `commopt list compressors` and the generic tests (tests/test_compress_registry.cpp) all read
// these entries; nothing dispatches on a compressor's name.
//
// Adding a compressor: its class with an Options struct (NAME.hpp), the class and a function
// `CompressorEntry NAME_entry()` (NAME.cpp, built with make_entry), one declaration line in
// entries.hpp and one line in the list of registry.cpp.
#pragma once
#include <any>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compress/closed_form.hpp"
#include "compress/compressor.hpp"
#include "core/spec.hpp"

namespace commopt {

struct CompressorEntry {
  std::string name;
  std::string doc;
  std::vector<ParamDoc> params;  // the spec's keys; defaults read from the Options struct
  std::string constant;          // the theory constant as a formula, e.g. "unbiased, omega = d/K - 1"
  std::string flags;             // "random", "deterministic", "shared stream", "stateful", ...
  // Specs of this compressor, valid for every d >= 12 and any number of workers n <= d; the
  // generic tests run every one of them.
  std::vector<std::string> examples;
  // spec -> the entry's Options struct (in the std::any), validated for dimension d and context
  // ctx; a bad value is a UsageError naming the spec, the key=value, the constraint and a fix.
  std::function<std::any(const Spec&, int d, const CompressorContext&)> parse;
  // Options (from parse) -> the instance for worker ctx.worker of ctx.workers.
  std::function<CompressorPtr(const std::any&, int d, const ValueCodec&, const CompressorContext&)> build;
  // The closed-form size of one sent message, from the paper's formula (closed_form.hpp), for
  // value width w; nullopt when the size depends on the data (qsgd code=elias).
  std::function<std::optional<BitsRange>(const std::any&, int d, int w, const CompressorContext&)> expected_bits;
};

// The typed form of an entry, for one Options struct; make_entry erases the type.
// parse may be null for a compressor without parameters (its Options are the defaults).
template <class Options>
struct CompressorDef {
  std::string name, doc;
  std::vector<ParamDoc> params;
  std::string constant, flags;
  std::vector<std::string> examples;
  Options (*parse)(const Spec&, int d, const CompressorContext&) = nullptr;
  CompressorPtr (*build)(const Options&, int d, const ValueCodec&, const CompressorContext&) = nullptr;
  std::optional<BitsRange> (*expected_bits)(const Options&, int d, int w, const CompressorContext&) = nullptr;
};

template <class Options>
CompressorEntry make_entry(CompressorDef<Options> def) {
  CompressorEntry e{std::move(def.name), std::move(def.doc), std::move(def.params), std::move(def.constant),
                    std::move(def.flags), std::move(def.examples), {}, {}, {}};
  e.parse = [parse = def.parse](const Spec& spec, int d, const CompressorContext& ctx) {
    return std::any(parse ? parse(spec, d, ctx) : Options{});
  };
  e.build = [build = def.build](const std::any& o, int d, const ValueCodec& codec, const CompressorContext& ctx) {
    return build(std::any_cast<const Options&>(o), d, codec, ctx);
  };
  e.expected_bits = [bits = def.expected_bits](const std::any& o, int d, int w, const CompressorContext& ctx) {
    return bits(std::any_cast<const Options&>(o), d, w, ctx);
  };
  return e;
}

// Every compressor, in the order `commopt list compressors` prints them.
const std::vector<CompressorEntry>& compressor_registry();
// The entry named `name`, or nullptr.
const CompressorEntry* find_compressor(const std::string& name);

// A spec checked against its entry: the entry and its validated Options.
struct ParsedCompressor {
  const CompressorEntry* entry = nullptr;
  std::any options;
};
// Validates a spec for dimension d, value width value_bits and context ctx, without building an
// instance: UsageError on an unknown name or key, a width other than 32/64, d < 1 or a bad value
// (the same errors as make_compressor, which calls it); std::logic_error on a bad context.
ParsedCompressor parse_compressor(const Spec& spec, int d, int value_bits, const CompressorContext& ctx = {});

}  // namespace commopt
