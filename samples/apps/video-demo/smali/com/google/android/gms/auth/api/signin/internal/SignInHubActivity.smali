.class public Lcom/google/android/gms/auth/api/signin/internal/SignInHubActivity;
.super Landroid/app/Activity;
.source "SignInHubActivity.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Landroid/app/Activity;-><init>()V

    return-void
.end method

.method public static tag()Ljava/lang/String;
    .locals 1

    const-string v0, "SignInHubActivity"

    return-object v0
.end method
