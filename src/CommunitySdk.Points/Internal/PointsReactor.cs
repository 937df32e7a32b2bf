namespace CommunitySdk.Points.Internal;

/// <summary>The points reactor (order 100): earning rules on every activity, and the points commands.</summary>
internal sealed class PointsReactor(PointsEngine engine) : IActivityReactor
{
    public const int ReactorOrder = 100;

    public int Order => ReactorOrder;

    public ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        switch (context.Activity.Type)
        {
            case PointsActivityTypes.Award:
                engine.ManualAward(context);
                break;
            case PointsActivityTypes.Deduct:
                engine.Deduct(context);
                break;
            case PointsActivityTypes.Spend:
                engine.Spend(context);
                break;
            case CommunityActivityTypes.Reverse:
            case "points.reverse": // the command of earlier versions, in old logs
                engine.Reverse(context);
                break;
            case PointsActivityTypes.Expire:
                engine.Expire(context);
                break;
            default:
                engine.ApplyRules(context);
                break;
        }

        return ValueTask.CompletedTask;
    }
}
