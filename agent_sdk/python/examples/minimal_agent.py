"""Skip SROA on function `bar`; leave every other decision to the compiler."""
import switchyard


class SkipSroaOnBar(switchyard.Agent):
    def decide(self, request):
        print(request.kind, request.pass_name, request.function,
              request.features)
        if request.pass_name == "SROAPass" and request.function == "bar":
            return switchyard.Answer.choose("skip")
        return switchyard.Answer.default()


if __name__ == "__main__":
    # --socket PATH [-- COMMAND...]: serve until Ctrl-C, or while COMMAND runs
    raise SystemExit(switchyard.main(SkipSroaOnBar()))
