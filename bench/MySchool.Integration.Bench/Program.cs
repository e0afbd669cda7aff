using MySchool.Integration.Bench;

// dotnet run -c Release --project bench/MySchool.Integration.Bench -- <scenario>
var scenarios = new Dictionary<string, Func<Task>>(StringComparer.Ordinal)
{
    ["mock-scale"] = MockScale.RunAsync,
    ["nso-sync"] = SyncBench.NsoAsync,
    ["rk-sync"] = SyncBench.RkAsync,
    ["exchange"] = ExchangeBench.RunAsync,
    ["linking"] = LinkingBench.RunAsync,
    ["run-faults"] = RunFaultsBench.RunAsync,
    ["soap-guard"] = SoapGuardBench.RunAsync,
    ["import"] = ImportBench.RunAsync,
};

if (args.Length != 1 || !scenarios.TryGetValue(args[0], out var scenario))
{
    Console.Error.WriteLine($"usage: bench <{string.Join('|', scenarios.Keys)}>");
    return 2;
}

await scenario();
return 0;
