// The sample shop. Run: dotnet run --project samples/Shop, then open http://localhost:5000.
// Options: --urls http://127.0.0.1:8080, --ConnectionStrings:Community "Data Source=other.db",
// --Telemetry:Console=true (SDK metrics and traces to the console).
var app = CommunitySdk.Shop.ShopApp.Create(args);
await app.RunAsync();
