.class public Lcom/facebook/login/LoginResult;
.super Ljava/lang/Object;
.source "LoginResult.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static tag()Ljava/lang/String;
    .locals 1

    const-string v0, "LoginResult"

    return-object v0
.end method
