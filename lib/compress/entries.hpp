// The registry entry of every compressor, each defined in its compressor's .cpp (registry.hpp says
// what an entry holds). One line here and one in registry.cpp per compressor.
#pragma once
#include "compress/registry.hpp"

namespace commopt {

CompressorEntry identity_entry();           // identity.cpp
CompressorEntry randk_entry();              // randk.cpp
CompressorEntry randk_biased_entry();       // randk.cpp
CompressorEntry permk_entry();              // permk.cpp
CompressorEntry topk_entry();               // topk.cpp
CompressorEntry qsgd_entry();               // qsgd.cpp
CompressorEntry natural_entry();            // natural.cpp
CompressorEntry natural_dithering_entry();  // natural.cpp
CompressorEntry sign_entry();               // sign.cpp
CompressorEntry scaled_sign_entry();        // scaled_sign.cpp
CompressorEntry block_sign_entry();         // sign.cpp
CompressorEntry qtopk_entry();              // qsparse.cpp
CompressorEntry qrandk_entry();             // qsparse.cpp
CompressorEntry signtopk_entry();           // qsparse.cpp
CompressorEntry signrandk_entry();          // qsparse.cpp
CompressorEntry grbs_entry();               // grbs.cpp
CompressorEntry laq_entry();                // laq.cpp
CompressorEntry bernoulli_entry();          // bernoulli.cpp
CompressorEntry powersgd_entry();           // powersgd.cpp
CompressorEntry blockwise_entry();          // blockwise.cpp

}  // namespace commopt
