using MySchool.Integration.Mocks.Synthetic;

namespace MySchool.Integration.Mocks.Faults;

public sealed record FaultRequest(string Kind, int Calls = 1);

/// <summary>
/// The admin surface every mock system has (not part of any real contract): arm and reset faults, move the
/// clock and apply changes, read the ground truth.
/// </summary>
public static class AdminEndpoints
{
    public static void MapMockAdmin(this IEndpointRouteBuilder app, FaultBoard faults, SyntheticRegion? region)
    {
        var admin = app.MapGroup("/admin");
        admin.MapGet("/faults", () => Results.Ok(new { kinds = faults.Kinds, armed = faults.Armed }));
        admin.MapPost("/faults", (FaultRequest request) => faults.Arm(request.Kind, request.Calls)
            ? Results.Ok(new { armed = faults.Armed })
            : Results.BadRequest(new { error = $"unknown fault '{request.Kind}' or calls < 1", kinds = faults.Kinds }));
        admin.MapDelete("/faults", () =>
        {
            faults.Reset();
            return Results.NoContent();
        });

        if (region is null)
        {
            return;
        }

        admin.MapGet("/clock", () => Results.Ok(new { now = region.Now }));
        admin.MapPost("/changes", (ChangeRequest? request) =>
        {
            var applied = region.ApplyChanges(request ?? new ChangeRequest());
            return Results.Ok(new { now = region.Now, applied });
        });
        admin.MapGet("/truth", (HttpContext context) => GroundTruth.WriteJsonLinesAsync(region, context.Response));
    }
}
