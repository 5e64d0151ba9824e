// What `commopt theory` prints about a card, for people: the cards cite the project's own derivation
// notes (e.g. "dasha-family.md 3.6"); those names mean nothing outside the repository, so they are
// dropped from the printed text (the provenance line says certified / derived / paper), and a
// method's resolved parameters are printed as `name = value` rather than as raw JSON.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace commopt::cli {

// `text` without references to the internal notes ("dasha-family.md 3.6", "ef-local-lazy.md §7.1,
// §7.3", "[CERT, dasha-family.md 3.6]" -> "[CERT]"), with the spacing tidied.
std::string public_text(const std::string& text);

// The scalar entries of a method_info, "k = v, ..." (numbers with 6 significant digits); the
// constants, the step-size rule and the potential are printed elsewhere and skipped here.
std::string parameter_list(const nlohmann::json& info);

// Expected uplink bits per worker in one round after initialization, for a method whose rounds are
// not all alike: MARINA's family sends the dense vector with probability p (expected bits
// p·dense + (1−p)·q·compressed), and with partial participation a worker sends only in the rounds
// it takes part in (q = s/n or p_a). `compressed` and `dense` are one message's bits.
double expected_round_bits(const std::string& method, const nlohmann::json& info, int workers, double compressed,
                           double dense);

}  // namespace commopt::cli
