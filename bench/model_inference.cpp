//===- model_inference.cpp - One decision's inference: ours vs XGBoost's --===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   switchyard-bench-model MODEL_FILE [CALLS]
//
// Times CALLS (default 10,000) single-row predictions of MODEL_FILE's first
// kind, as the plugin makes them (one row per decision), two ways: the
// plugin's own tree walker (TreeEnsemble::predictMargins) and XGBoost's C
// API (XGBoosterPredictFromDense on one row, libxgboost-dev), on the same
// rows, and checks both give the same margins. Prints the median of five
// timed passes per call, in microseconds.
//
//===----------------------------------------------------------------------===//

#include "switchyard/core/ModelProvider.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

using namespace switchyard;

static double median(std::vector<double> V) {
  std::sort(V.begin(), V.end());
  return V[V.size() / 2];
}

int main(int Argc, char **Argv) {
  if (Argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL_FILE [CALLS]\n", Argv[0]);
    return 2;
  }
  size_t Calls = Argc > 2 ? std::strtoul(Argv[2], nullptr, 10) : 10000;
  auto M = Model::load(Argv[1], SWITCHYARD_LLVM_MAJOR);
  if (!M) {
    std::fprintf(stderr, "error: %s\n", M.error().c_str());
    return 1;
  }
  const Model::KindModel &KM = (*M)->Kinds.front();
  size_t NF = KM.Features.size();

  // XGBoost reads its own JSON model: the body's first kind's "xgboost".
  std::ifstream In(Argv[1]);
  std::string Header, Body;
  std::getline(In, Header);
  std::stringstream SS;
  SS << In.rdbuf();
  Body = SS.str();
  size_t Start = Body.find("\"xgboost\":");
  if (Start == std::string::npos)
    return 1;
  Start += 10;
  // The xgboost object ends where its braces balance.
  size_t End = Start;
  int Depth = 0;
  bool InString = false;
  for (; End < Body.size(); ++End) {
    char C = Body[End];
    if (InString) {
      if (C == '\\')
        ++End;
      else if (C == '"')
        InString = false;
      continue;
    }
    if (C == '"')
      InString = true;
    else if (C == '{')
      ++Depth;
    else if (C == '}' && --Depth == 0)
      break;
  }
  std::string XJson = Body.substr(Start, End - Start + 1);
  BoosterHandle B;
  if (XGBoosterCreate(nullptr, 0, &B) ||
      XGBoosterLoadModelFromBuffer(B, XJson.data(), XJson.size()) ||
      XGBoosterSetParam(B, "nthread", "1")) {
    std::fprintf(stderr, "xgboost: %s\n", XGBGetLastError());
    return 1;
  }

  std::mt19937_64 Rng(1);
  std::vector<float> Rows(Calls * NF);
  for (float &V : Rows)
    V = (Rng() % 20 == 0) ? NAN : static_cast<float>(Rng() % 64);

  std::vector<float> Ours(Calls * KM.Trees.numGroups());
  std::vector<float> Theirs(Ours.size());
  std::vector<double> OursUs, TheirsUs;
  char Config[] = "{\"type\": 1, \"training\": false, \"iteration_begin\": "
                  "0, \"iteration_end\": 0, \"strict_shape\": false, "
                  "\"missing\": NaN, \"cache_id\": 0}";
  for (int Pass = 0; Pass < 5; ++Pass) {
    auto T0 = std::chrono::steady_clock::now();
    for (size_t I = 0; I < Calls; ++I)
      KM.Trees.predictMargins(&Rows[I * NF], &Ours[I * KM.Trees.numGroups()]);
    auto T1 = std::chrono::steady_clock::now();
    for (size_t I = 0; I < Calls; ++I) {
      char Iface[256];
      std::snprintf(Iface, sizeof(Iface),
                    "{\"data\": [%llu, true], \"shape\": [1, %zu], "
                    "\"typestr\": \"<f4\", \"version\": 3}",
                    static_cast<unsigned long long>(
                        reinterpret_cast<uintptr_t>(&Rows[I * NF])),
                    NF);
      const bst_ulong *Shape;
      bst_ulong Dim;
      const float *Out;
      if (XGBoosterPredictFromDense(B, Iface, Config, nullptr, &Shape, &Dim,
                                    &Out)) {
        std::fprintf(stderr, "xgboost: %s\n", XGBGetLastError());
        return 1;
      }
      std::memcpy(&Theirs[I * KM.Trees.numGroups()], Out,
                  KM.Trees.numGroups() * sizeof(float));
    }
    auto T2 = std::chrono::steady_clock::now();
    OursUs.push_back(
        std::chrono::duration<double, std::micro>(T1 - T0).count() / Calls);
    TheirsUs.push_back(
        std::chrono::duration<double, std::micro>(T2 - T1).count() / Calls);
  }
  size_t Differ = 0;
  for (size_t I = 0; I < Ours.size(); ++I)
    Differ += std::memcmp(&Ours[I], &Theirs[I], sizeof(float)) != 0;
  bst_ulong Rounds = 0;
  XGBoosterBoostedRounds(B, reinterpret_cast<int *>(&Rounds));
  std::printf("%s: %zu features, %zu single-row calls x 5\n", Argv[1], NF,
              Calls);
  std::printf("  switchyard tree walker: %.3f us/call (median)\n",
              median(OursUs));
  std::printf("  XGBoosterPredictFromDense: %.3f us/call (median)\n",
              median(TheirsUs));
  std::printf("  margins that differ: %zu of %zu\n", Differ, Ours.size());
  XGBoosterFree(B);
  return Differ ? 1 : 0;
}
