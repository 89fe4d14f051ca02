Console.Error.WriteLine("The simulator is being built (issue 3).");
return 2;
