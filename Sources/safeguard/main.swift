print("safeguard")
