.class public Lcom/facebook/FacebookActivity;
.super Landroid/app/Activity;
.source "FacebookActivity.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Landroid/app/Activity;-><init>()V

    return-void
.end method

.method public static tag()Ljava/lang/String;
    .locals 1

    const-string v0, "FacebookActivity"

    return-object v0
.end method
