//===- switchyard-model.cpp - Check a model file, or predict with it ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   switchyard-model check FILE
//       Loads FILE as the plugin does (SWITCHYARD_POLICY=model:FILE) and
//       prints what it covers, or the error the plugin would give.
//   switchyard-model predict FILE KIND < ROWS
//       For each line of ROWS (the model's features in its order, as
//       numbers, "nan" for a missing one), prints the margin of each output
//       group as a C99 hex float: what the plugin decides from, exactly.
//
//===----------------------------------------------------------------------===//

#include "switchyard/core/ModelProvider.h"

#include "Framing.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

using namespace switchyard;

int main(int Argc, char **Argv) {
  std::string Cmd = Argc > 1 ? Argv[1] : "";
  if (!((Cmd == "check" && Argc == 3) || (Cmd == "predict" && Argc == 4))) {
    std::fprintf(stderr, "usage: switchyard-model check FILE\n"
                         "       switchyard-model predict FILE KIND < ROWS\n");
    return 2;
  }
  Expected<std::shared_ptr<const Model>> M =
      Model::load(Argv[2], SWITCHYARD_LLVM_MAJOR);
  if (!M) {
    std::fprintf(stderr, "error: switchyard: %s\n", M.error().c_str());
    return 1;
  }
  if (Cmd == "check") {
    std::printf("%s: LLVM %u, %s\n", Argv[2], (*M)->LlvmMajor,
                (*M)->ContentHash.c_str());
    for (const Model::KindModel &K : (*M)->Kinds) {
      std::printf("  %s: %zu features, %zu actions, objective %s\n",
                  kindName(K.Kind), K.Features.size(), K.Actions.size(),
                  K.Trees.objective().c_str());
    }
    return 0;
  }
  DecisionKind Kind;
  const Model::KindModel *KM =
      parseKindName(Argv[3], Kind) ? (*M)->find(Kind) : nullptr;
  if (!KM) {
    std::fprintf(stderr, "error: the model does not cover '%s'\n", Argv[3]);
    return 1;
  }
  std::vector<float> Row(KM->Features.size());
  std::vector<float> Margins(KM->Trees.numGroups());
  std::string Line;
  while (std::getline(std::cin, Line)) {
    std::istringstream In(Line);
    std::string Word;
    size_t N = 0;
    while (In >> Word && N < Row.size())
      Row[N++] = static_cast<float>(std::strtod(Word.c_str(), nullptr));
    if (N != Row.size()) {
      std::fprintf(stderr, "error: a row needs %zu numbers\n", Row.size());
      return 1;
    }
    KM->Trees.predictMargins(Row.data(), Margins.data());
    for (size_t G = 0; G < Margins.size(); ++G)
      std::printf(G ? " %a" : "%a", static_cast<double>(Margins[G]));
    std::printf("\n");
  }
  return 0;
}
